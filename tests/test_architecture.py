"""The code keeps the shape ARCHITECTURE.md describes: no import cycles between modules, no oversized modules."""

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "measures", "applications", "accounts", "contacts")
MAX_MODULE_LINES = 600


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*PACKAGES, include_external_packages=False)


def strongly_connected(graph) -> list[list[str]]:
    """Return the groups of modules that import one another, directly or through others (Tarjan, iteratively)."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_it_finds_a_cycle_when_there_is_one():
    cyclic = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        cyclic.add_module(name)
    cyclic.add_import(importer="a.x", imported="a.y")
    cyclic.add_import(importer="a.y", imported="a.z")
    cyclic.add_import(importer="a.z", imported="a.x")
    assert strongly_connected(cyclic) == [["a.x", "a.y", "a.z"]]


def test_no_module_of_the_project_imports_itself_through_others(graph):
    assert strongly_connected(graph) == []


def test_no_product_module_is_over_600_lines():
    oversized = {
        str(path.relative_to(ROOT)): length
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert oversized == {}
