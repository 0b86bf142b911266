#!/bin/sh
# The hello example's steps done with the AWS CLI, as a CI script would: zip, upload, create the
# function or update its code and configuration, wait, publish a version, create or move the alias,
# invoke. bench/deploy.mjs times it next to `lambda-tasks run examples/hello`.
#
# Environment: ENDPOINT, BUCKET, FUNCTION, ROLE, SOURCE (the function directory), WORK (a scratch
# directory), plus the AWS_* credentials and region. Prints the invoke result on stdout.
set -eu
aws() { command aws --endpoint-url "$ENDPOINT" "$@"; }

rm -f "$WORK/function.zip"
(cd "$SOURCE" && zip -q -r -X "$WORK/function.zip" .)

aws s3api head-bucket --bucket "$BUCKET" >/dev/null 2>&1 || aws s3 mb "s3://$BUCKET" >/dev/null
aws s3 cp "$WORK/function.zip" "s3://$BUCKET/hello/function.zip" --only-show-errors

if aws lambda get-function --function-name "$FUNCTION" >/dev/null 2>&1; then
  aws lambda update-function-code --function-name "$FUNCTION" \
    --s3-bucket "$BUCKET" --s3-key hello/function.zip >/dev/null
  aws lambda wait function-updated-v2 --function-name "$FUNCTION"
  aws lambda update-function-configuration --function-name "$FUNCTION" \
    --runtime nodejs20.x --handler index.handler --role "$ROLE" --timeout 10 --memory-size 128 \
    --description 'lambda-tasks hello example' --environment "Variables={BUCKET=$BUCKET}" >/dev/null
  aws lambda wait function-updated-v2 --function-name "$FUNCTION"
else
  aws lambda create-function --function-name "$FUNCTION" \
    --runtime nodejs20.x --handler index.handler --role "$ROLE" --timeout 10 --memory-size 128 \
    --description 'lambda-tasks hello example' --environment "Variables={BUCKET=$BUCKET}" \
    --code "S3Bucket=$BUCKET,S3Key=hello/function.zip" >/dev/null
  aws lambda wait function-active-v2 --function-name "$FUNCTION"
fi

VERSION=$(aws lambda publish-version --function-name "$FUNCTION" --query Version --output text)
aws lambda update-alias --function-name "$FUNCTION" --name live --function-version "$VERSION" >/dev/null 2>&1 ||
  aws lambda create-alias --function-name "$FUNCTION" --name live --function-version "$VERSION" >/dev/null

aws lambda invoke --function-name "$FUNCTION" --qualifier live --payload '{"name":"aws-cli"}' \
  "$WORK/result.json" >/dev/null
cat "$WORK/result.json"
