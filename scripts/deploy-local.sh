#!/usr/bin/env bash
# `npm run deploy:local`: deploys the stack to a LocalStack that runs with all its services (in
# Docker, with DynamoDB and Lambda), through cdklocal: bootstrap, then deploy. Arguments go to
# both (e.g. `-- -c config=my-fleets.yaml`). LocalStack's default endpoint unless AWS_ENDPOINT_URL
# names another; cdklocal needs the S3 endpoint too, for the bootstrap bucket and the assets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://localhost:4566}"
export AWS_ENDPOINT_URL_S3="${AWS_ENDPOINT_URL_S3:-$AWS_ENDPOINT_URL}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
# LocalStack accepts any credentials; these are its documented placeholders, used only when none are set.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
npx cdklocal bootstrap --no-notices "$@"
npx cdklocal deploy --no-notices --require-approval never "$@"
