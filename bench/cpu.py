"""
Server CPU per request, driven by boto3 (bench/cpu.mjs runs this once per server).

Usage: python3 bench/cpu.py URL SERVER_PID REQUESTS WARMUP LAMBDA(0|1)

For each row, WARMUP requests first (so both servers run their hot code, JIT-compiled for Node),
then REQUESTS sequential requests between two reads of the server's own utime+stime from
/proc/SERVER_PID/stat (and of its main thread's, /proc/SERVER_PID/task/SERVER_PID/stat). Prints one
JSON object: {row: {requests, cpuMs, userMs, systemMs, mainThreadMs, wallMs}}.
A row that fails (moto's Lambda Invoke without Docker) reports {"error": "..."} instead.
"""

import io
import json
import os
import sys
import time
import uuid
import zipfile

import boto3
from botocore.config import Config

URL, PID, REQUESTS, WARMUP, LAMBDA = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
TICKS = os.sysconf("SC_CLK_TCK")


def stat_ticks(path):
    """(utime, stime) in clock ticks: fields 14 and 15 of a /proc stat file."""
    with open(path) as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2 :].split(" ")
    return int(fields[11]), int(fields[12])


def cpu_ticks():
    """(utime, stime) of the server (all its threads)."""
    return stat_ticks(f"/proc/{PID}/stat")


def main_thread_ticks():
    """utime + stime of the server's main thread (the one running requests; for Node the others
    are V8's compiler and GC helpers and libuv's pool)."""
    user, system = stat_ticks(f"/proc/{PID}/task/{PID}/stat")
    return user + system


def client(service):
    return boto3.client(
        service,
        endpoint_url=URL,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )


def measure(call):
    for i in range(WARMUP):
        call(i)
    user0, system0 = cpu_ticks()
    main0 = main_thread_ticks()
    wall0 = time.perf_counter()
    for i in range(REQUESTS):
        call(i)
    wall = time.perf_counter() - wall0
    main1 = main_thread_ticks()
    user1, system1 = cpu_ticks()
    to_ms = 1000 / TICKS
    return {
        "requests": REQUESTS,
        "cpuMs": (user1 - user0 + system1 - system0) * to_ms,
        "userMs": (user1 - user0) * to_ms,
        "systemMs": (system1 - system0) * to_ms,
        "mainThreadMs": (main1 - main0) * to_ms,
        "wallMs": wall * 1000,
    }


def trivial_function_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("index.js", "exports.handler = async (event) => ({ ok: true, event });\n")
    return buffer.getvalue()


def main():
    rows = {}
    s3 = client("s3")
    bucket = f"cpu-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    body = os.urandom(1024)
    # Keys cycle so that GET reads objects the PUT row wrote and the store does not grow without bound.
    keys = [f"k{i % 100}" for i in range(max(REQUESTS, WARMUP))]
    rows["s3Put"] = measure(lambda i: s3.put_object(Bucket=bucket, Key=keys[i], Body=body))
    rows["s3Get"] = measure(lambda i: s3.get_object(Bucket=bucket, Key=keys[i])["Body"].read())
    rows["s3HeadBucket"] = measure(lambda i: s3.head_bucket(Bucket=bucket))

    dynamodb = client("dynamodb")
    table = f"cpu-{uuid.uuid4().hex[:12]}"
    dynamodb.create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 0.05, "MaxAttempts": 200})
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "a"}, "value": {"S": "x" * 100}})
    rows["dynamodbGetItem"] = measure(lambda i: dynamodb.get_item(TableName=table, Key={"pk": {"S": "a"}}))

    sqs = client("sqs")
    queue_url = sqs.create_queue(QueueName=f"cpu-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    rows["sqsSendMessage"] = measure(lambda i: sqs.send_message(QueueUrl=queue_url, MessageBody="hello"))

    if LAMBDA:
        lam = client("lambda")
        name = f"cpu-{uuid.uuid4().hex[:12]}"
        try:
            lam.create_function(
                FunctionName=name,
                Runtime="nodejs20.x",
                Role="arn:aws:iam::000000000000:role/bench",
                Handler="index.handler",
                Code={"ZipFile": trivial_function_zip()},
            )
            lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.05, "MaxAttempts": 400})
            rows["lambdaInvoke"] = measure(lambda i: lam.invoke(FunctionName=name, Payload=b'{"n":1}')["Payload"].read())
        except Exception as error:  # noqa: BLE001 - the row reports what the server answered
            rows["lambdaInvoke"] = {"error": f"{type(error).__name__}: {error}"[:300]}
    print(json.dumps(rows))


main()
