"""Certificates: immutable bilingual PDFs and their verification codes."""
