"""Render a picture of each template workbook into docs/, through LibreOffice.

Usage, from the repository root, with LibreOffice (``soffice``) and poppler's
``pdftoppm`` on the PATH::

    python docs/render_pictures.py [TEMPLATES_DIR] [OUT_DIR]

TEMPLATES_DIR defaults to ``workbook_templates`` and OUT_DIR to ``docs``. Each
workbook is printed to PDF by LibreOffice headless (page setup as saved in the
workbook: one page wide) and the first page is turned into a PNG named after
the workbook. LibreOffice runs with a throwaway profile that never recalculates
on load for the add-in templates, so their pictures show the values cached in
the files (as any viewer shows them before the xlwings add-in is live), and
that always recalculates the portable twins, so theirs show LibreOffice's own
results.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from leak_udfs.templates import TEMPLATE_NAMES  # noqa: E402

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


def render(templates: Path, out: Path, resolution: int = 90) -> list[Path]:
    """PDF each template with LibreOffice, then its first page to ``out/NAME.png``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        portable = [name for name in TEMPLATE_NAMES if "portable" in name]
        add_in = [name for name in TEMPLATE_NAMES if name not in portable]
        _to_pdf(templates, add_in, work, recalculate=False)
        _to_pdf(templates, portable, work, recalculate=True)
        return [_to_png(work / name, out, resolution) for name in TEMPLATE_NAMES]


def _to_pdf(templates: Path, names: list[str], work: Path, recalculate: bool) -> None:
    profile = work / ("recalculate" if recalculate else "cached")
    (profile / "user").mkdir(parents=True)
    mode = 0 if recalculate else 1
    (profile / "user" / "registrymodifications.xcu").write_text(
        PROFILE.format(mode=mode)
    )
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            *(str((templates / name).resolve()) for name in names),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


def _to_png(workbook: Path, out: Path, resolution: int) -> Path:
    picture = out / workbook.stem
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(resolution),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(workbook.with_suffix(".pdf")),
            str(picture),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return picture.with_suffix(".png")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    templates = Path(arguments[0]) if arguments else REPO / "workbook_templates"
    out = Path(arguments[1]) if len(arguments) > 1 else REPO / "docs"
    for picture in render(templates, out):
        print(picture)
