"""Expands Fn::ForEach with cfn-lint's AWS::LanguageExtensions transform, the reference the local
transform is compared with.

Reads {"templates": {name: template}} as JSON on stdin and writes
{name: {"template": expanded} | {"error": message}} as JSON on stdout: one process for a whole
corpus. cfn-lint resolves a Ref to a parameter through its Default (the corpus gives no values).
"""

import json
import sys

from cfnlint.template import Template
from cfnlint.template.transforms._language_extensions import language_extension


def main():
    request = json.load(sys.stdin)
    out = {}
    for name, template in request["templates"].items():
        matches, expanded = language_extension(Template(f"{name}.yaml", template, ["us-east-1"]))
        if expanded is None:
            out[name] = {"error": " ".join(match.message for match in matches)}
        else:
            expanded.pop("Transform", None)
            out[name] = {"template": expanded}
    json.dump(out, sys.stdout)


main()
