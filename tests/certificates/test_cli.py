"""``python -m isdc.certificates``: a sample PDF for checking logos, and a code checker."""

import subprocess
import sys

from pypdf import PdfReader

from isdc.certificates import new_code
from isdc.certificates.__main__ import main


def test_sample_writes_a_certificate_with_the_given_name(tmp_path, logo_png, signature_png, capsys):
    logo, signature = tmp_path / "logo.png", tmp_path / "signature.png"
    logo.write_bytes(logo_png)
    signature.write_bytes(signature_png)
    out = tmp_path / "sample.pdf"
    assert (
        main(
            [
                "sample",
                str(out),
                "--name",
                "Đặng Thị Hồng",
                "--logo",
                str(logo),
                "--signature",
                str(signature),
            ]
        )
        == 0
    )
    page = PdfReader(out).pages[0]
    assert "Đặng Thị Hồng" in page.extract_text()
    assert len(page.images) == 2
    assert capsys.readouterr().out.strip() == str(out)


def test_code_prints_the_canonical_form(capsys):
    code = new_code()
    assert main(["code", code.lower().replace("-", " ")]) == 0
    assert capsys.readouterr().out.strip() == code


def test_bad_input_is_one_line_on_stderr_and_exit_1(tmp_path):
    for args in (
        ["code", "ABCD-EFGH"],
        ["sample", str(tmp_path / "x.pdf"), "--logo", str(tmp_path / "missing.png")],
        ["sample", str(tmp_path / "no-folder" / "x.pdf")],
        ["sample", str(tmp_path / "x.pdf"), "--name", "王小明"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "isdc.certificates", *args], capture_output=True, text=True
        )
        assert result.returncode == 1, args
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()
