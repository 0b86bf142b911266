"""Translates SAM templates with aws-sam-translator, the reference implementation of the transform.

Reads {"parameters": {...}, "templates": {name: template}} as JSON on stdin and writes
{name: {"template": translated} | {"error": message}} as JSON on stdout: one process for a whole
corpus. Managed policy names resolve through a fake loader (the names AWS would look up through
IAM's ListPolicies), so no network or credentials are involved.
"""

import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402


class FakeManagedPolicyLoader:
    def load(self):
        names = [
            "AWSLambdaBasicExecutionRole",
            "AWSLambdaDynamoDBExecutionRole",
            "AWSLambdaKinesisExecutionRole",
            "AWSLambdaSQSQueueExecutionRole",
            "AWSLambdaRole",
            "AWSXrayWriteOnlyAccess",
            "AmazonS3ReadOnlyAccess",
            "AmazonDynamoDBReadOnlyAccess",
            "AWSLambdaVPCAccessExecutionRole",
        ]
        return {name: f"arn:aws:iam::aws:policy/service-role/{name}" for name in names}


def main():
    request = json.load(sys.stdin)
    parameters = request.get("parameters", {})
    out = {}
    for name, template in request["templates"].items():
        try:
            out[name] = {"template": transform(template, dict(parameters), FakeManagedPolicyLoader())}
        except InvalidDocumentException as error:
            out[name] = {"error": " ".join([error.message, *(cause.message for cause in error.causes)])}
    json.dump(out, sys.stdout)


main()
