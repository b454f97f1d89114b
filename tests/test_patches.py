"""Every patches.txt entry must resolve to something migrate can run."""

import importlib
from pathlib import Path

import pytest

PATCHES_TXT = Path(__file__).resolve().parent.parent / "medical_devices" / "patches.txt"


def patch_entries():
	for raw in PATCHES_TXT.read_text().splitlines():
		line = raw.strip()
		if not line or line.startswith("#") or line.startswith("["):
			continue
		yield line.split("#", 1)[0].strip()


def test_patches_txt_has_the_setup_patch():
	assert "medical_devices.patches.apply_setup" in list(patch_entries())


@pytest.mark.parametrize("entry", list(patch_entries()))
def test_patch_entry_imports(entry):
	if entry.startswith("execute:"):
		compile(entry.removeprefix("execute:"), entry, "exec")
		return
	module = importlib.import_module(entry)
	assert callable(getattr(module, "execute", None)), f"{entry} has no execute()"
