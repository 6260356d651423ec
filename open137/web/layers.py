"""The layers of open137 as data, and its import graph as the code has it.

An app may import from its own layer or a lower one, never from a higher one, and no two
apps import each other, directly or round a loop; nor do two modules, inside an app or
across apps. The interfaces (the last layer but one)
do not import each other either. test_layers holds the code to this, and
scripts/architecture.py draws the picture in docs/architecture.md from the same graph.
The graph is read from the source (ast), so an import inside a function counts too.
"""

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent

# Lowest first. `open137` stands for the project's own modules (settings, urls, cli).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("core", "routing")),
    ("audit trail", ("audit",)),
    ("the city as data", ("directory",)),
    ("services", ("deadlines", "notifications", "places")),
    ("lifecycle", ("cases",)),
    ("work on requests", ("intelligence", "imports", "oversight", "security")),
    ("interfaces", ("api", "desk", "messenger", "open311", "portal", "smsgateway")),
    ("site", ("web",)),
    ("project", ("open137",)),
)
INTERFACES = "interfaces"


def layer_of(app: str) -> int:
    """The position of an app's layer, lowest 0."""
    for position, (_name, apps) in enumerate(LAYERS):
        if app in apps:
            return position
    raise KeyError(app)


def app_of(path: Path) -> str:
    """The app a source file belongs to; `open137` for the project's own modules."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "open137"


def source_files() -> list[Path]:
    """The project's code: every module but the tests and the migrations."""
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if not {"tests", "migrations"} & set(p.relative_to(PACKAGE).parts))


def imported_names(path: Path) -> list[tuple[str, int]]:
    """Every dotted name a file imports, with its line, lazy imports too; `from a import b`
    gives both `a` and `a.b` (b may be a module)."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def imported_apps(path: Path) -> set[tuple[str, int]]:
    """The open137 apps a file imports, each with the line of an import, lazy ones too."""
    found: set[tuple[str, int]] = set()
    for name, line in imported_names(path):
        parts = name.split(".")
        if parts[0] == "open137" and len(parts) > 1:
            target = parts[1]
            found.add((target if (PACKAGE / target).is_dir() else "open137", line))
    return found


def module_of(path: Path) -> str:
    """A source file's dotted module name (a package is its `__init__`)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_graph() -> dict[str, dict[str, list[str]]]:
    """module -> imported module of ours -> the places ("path:line") that import it."""
    files = {module_of(path): path for path in source_files()}
    graph: dict[str, dict[str, list[str]]] = {}
    for module, path in files.items():
        targets: dict[str, list[str]] = defaultdict(list)
        for name, line in imported_names(path):
            if name in files and name != module:
                targets[name].append(f"{path.relative_to(PACKAGE.parent)}:{line}")
        graph[module] = dict(targets)
    return graph


def import_graph() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the places ("path:line") that import it."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in source_files():
        app = app_of(path)
        graph[app]  # every app is a node, even one that imports nothing of ours
        for target, line in sorted(imported_apps(path)):
            if target != app:
                where = f"{path.relative_to(PACKAGE.parent)}:{line}"
                graph[app][target].append(where)
    return {app: dict(targets) for app, targets in sorted(graph.items())}


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The groups of apps (or modules) that import each other round a loop (strongly
    connected)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for target in graph.get(app, {}):
            if target not in index:
                visit(target)
                low[app] = min(low[app], low[target])
            elif target in stack:
                low[app] = min(low[app], index[target])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for app in graph:
        if app not in index:
            visit(app)
    return found


def wrong_way(graph: dict[str, dict[str, list[str]]]) -> list[str]:
    """Every import that points up a layer, or across the interfaces, with its place."""
    found: list[str] = []
    for app, targets in graph.items():
        for target, places in targets.items():
            up = layer_of(target) > layer_of(app)
            across = (layer_of(app) == layer_of(target)
                      and LAYERS[layer_of(app)][0] == INTERFACES)
            if up or across:
                found.extend(f"{place}: {app} imports {target}" for place in places)
    return sorted(found)


BEGIN = "<!-- the picture below is written by scripts/architecture.py from the imports -->"
END = "<!-- end of the picture -->"


def picture(graph: dict[str, dict[str, list[str]]]) -> str:
    """The apps in their layers and who imports whom, as a Mermaid flowchart (lowest layer
    at the bottom). Arrows into the foundation are left out: every app may use it."""
    foundation = set(LAYERS[0][1])
    lines = [BEGIN, "```mermaid", "flowchart BT"]
    for position, (name, apps) in enumerate(LAYERS):
        present = [app for app in apps if app in graph]
        if present:
            lines.append(f'  subgraph L{position}["{name}"]')
            lines.extend(f"    {app}" for app in present)
            lines.append("  end")
    for app, targets in graph.items():
        lines.extend(f"  {app} --> {target}" for target in sorted(targets)
                     if target not in foundation)
    lines += ["```", END]
    return "\n".join(lines)


def picture_in(text: str) -> str:
    """The picture as a document has it (empty if it has none)."""
    start, end = text.find(BEGIN), text.find(END)
    return text[start:end + len(END)] if 0 <= start < end else ""
