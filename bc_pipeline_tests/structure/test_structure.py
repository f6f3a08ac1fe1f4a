"""The structure docs/architecture.md describes is the structure as built: its "Packages and modules" section
is generated from the code (bc_pipeline/structure.py) and must match it, and no package imports upwards."""

from pathlib import Path

from bc_pipeline import structure

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def test_no_package_imports_from_its_own_layer_or_above():
    assert structure.layer_problems() == []


def test_the_layer_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The check is not vacuous: warehouse importing sync (a higher layer) is reported."""
    root = tmp_path / "bc_pipeline"
    for unit, source in {"warehouse": "from bc_pipeline.sync import x\n", "sync": "import bc_pipeline.warehouse\n"}.items():
        (root / unit).mkdir(parents=True)
        (root / unit / "__init__.py").write_text(f'"""{unit}."""\n')
        (root / unit / "m.py").write_text(source)
    monkeypatch.setattr(structure, "ROOT", root)
    low, high = structure.layer_of()["warehouse"], structure.layer_of()["sync"]
    assert low < high
    assert structure.layer_problems() == [f"warehouse (layer {low}) imports sync (layer {high})"]


def test_architecture_doc_lists_the_packages_as_built():
    committed = DOC.read_text(encoding="utf-8")
    assert committed == structure.with_packages(committed), (
        f"the generated section of docs/architecture.md is stale: run `{structure.REGENERATE}`"
    )
