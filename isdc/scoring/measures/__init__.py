"""The continuous parts of the score, one module each; every function takes (Drive, Rubric)."""
