"""The house plan's rule that import-linter cannot state generally: domain code (the kernel and
every feature's models and services) never imports the web layer, a view, or Flask itself, so
services run the same from a request, the shell or a worker. (The other import rules are
import-linter's contracts in pyproject.toml, run by make test's lint step.)"""

from __future__ import annotations

import grimp

DOMAIN_PACKAGES = ("survey.core", "survey.accounts", "survey.surveys", "survey.consultations",
                   "survey.publishing", "survey.review")  # fmt: skip
# Presentation inside a feature package: its views and forms, and the printable page.
PRESENTATION = (".views", "survey.publishing.html")
WEB = ("flask", "flask_login", "flask_wtf", "survey.web", "survey.extensions", "survey.db",
       "survey.config", "survey.cli", "survey.portal")  # fmt: skip


def is_presentation(module: str) -> bool:
    return any(part in module for part in PRESENTATION)


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def test_domain_code_never_imports_the_web_layer():
    graph = grimp.build_graph(
        "survey", include_external_packages=True, exclude_type_checking_imports=True
    )
    domain = sorted(
        module
        for module in graph.modules
        if within(module, DOMAIN_PACKAGES) and not is_presentation(module)
    )
    assert "survey.surveys.lifecycle" in domain and "survey.core.window" in domain
    assert "survey.consultations.feedback" in domain and "survey.review.services" in domain
    web = [module for module in graph.modules if within(module, WEB)]
    web += [module for module in graph.modules if ".views" in module]
    chains = [
        chain
        for module in domain
        for target in web
        if (chain := graph.find_shortest_chain(importer=module, imported=target))
    ]
    assert chains == []
