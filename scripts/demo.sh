#!/bin/sh
# The README's main job until the deploy tool lands: start the local cloud on a free port, use it
# with the AWS CLI (make a bucket, upload a deployment package, list it, read it back, who am I),
# then stop it. Needs the AWS CLI (`aws`) on PATH.
set -eu
cd "$(dirname "$0")/.."
DATA_DIR=$(mktemp -d)
OUT=$(mktemp)
node dist/cli/main.js cloud --port 0 --data-dir "$DATA_DIR" >"$OUT" 2>"$DATA_DIR.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA_DIR" "$DATA_DIR.log" "$OUT"' EXIT
i=0
until grep -q '^ready ' "$OUT"; do
  i=$((i + 1)); [ $i -gt 100 ] && { echo "the local cloud did not start:"; cat "$DATA_DIR.log"; exit 1; }
  sleep 0.05
done
ENDPOINT=$(sed -n 's/^ready //p' "$OUT")
echo "local cloud at $ENDPOINT"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
aws() { command aws --endpoint-url "$ENDPOINT" "$@"; }
aws sts get-caller-identity
aws s3 mb s3://deployment-packages
printf 'exports.handler = async (event) => ({ hello: event.name });\n' > "$DATA_DIR/index.js"
(cd "$DATA_DIR" && python3 -c "import zipfile; z = zipfile.ZipFile('function.zip', 'w'); z.write('index.js'); z.close()")
aws s3 cp "$DATA_DIR/function.zip" s3://deployment-packages/hello/function.zip
aws s3api list-objects-v2 --bucket deployment-packages --query 'Contents[].{Key: Key, Size: Size, ETag: ETag}'
aws s3api head-object --bucket deployment-packages --key hello/function.zip --query '{ContentLength: ContentLength, ETag: ETag}'
echo "requests served:"
cat "$DATA_DIR.log"
