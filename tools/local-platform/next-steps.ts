/**
 * What `npm start` prints once the platform runs: the demo login and a shell session of curl
 * commands from logging in to a kcat produce (log in → cloud API key → environment → basic
 * cluster → service account + ACL → cluster API key → topic → kcat). JSON fields are picked
 * out with node (always installed here), so nothing else is needed.
 */
export function nextSteps(apiUrl: string, email: string, password: string | null): string {
  const pw = password ?? '<the password of this user>';
  const login = JSON.stringify({ email, password: pw }).replace(/'/g, `'\\''`);
  return `
Demo login:  ${email}  /  ${pw}
REST API:    ${apiUrl}  (OpenAPI: ${apiUrl}/v1/openapi.json)

Next steps (paste into a bash shell):

  API=${apiUrl}; JSON='content-type: application/json'; N=$(date +%s)
  j() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8'))$1"; }

  # 1. log in (session cookie + CSRF token) and make a cloud API key for the REST API
  CSRF=$(curl -sf -c /tmp/tributary.cookies -H "$JSON" -d '${login}' $API/v1/auth/login | j .csrf_token)
  TOKEN=$(curl -sf -b /tmp/tributary.cookies -H "x-csrf-token: $CSRF" -H "$JSON" -d '{"description":"quick start"}' $API/v1/cloud-api-keys | j .token)
  AUTH="authorization: Bearer $TOKEN"

  # 2. an environment in your organization
  ORG=$(curl -sf -H "$AUTH" $API/v1/auth/session | j '.organizations[0].id')
  ENV=$(curl -sf -H "$AUTH" -H "$JSON" -d '{"organization_id":"'$ORG'","name":"dev-'$N'"}' $API/v1/environments | j .id)

  # 3. a basic cluster (one broker); wait until it is RUNNING
  CLUSTER=$(curl -sf -H "$AUTH" -H "$JSON" -d '{"environment_id":"'$ENV'","name":"demo","plan":"basic"}' $API/v1/kafka/clusters | j .id)
  until [ "$(curl -sf -H "$AUTH" $API/v1/kafka/clusters/$CLUSTER | j .status)" = RUNNING ]; do sleep 0.5; done
  BOOTSTRAP=$(curl -sf -H "$AUTH" $API/v1/kafka/clusters/$CLUSTER | j .bootstrap_endpoint)

  # 4. a service account allowed everything on topics "orders*"
  SA=$(curl -sf -H "$AUTH" -H "$JSON" -d '{"organization_id":"'$ORG'","name":"app-'$N'"}' $API/v1/service-accounts | j .id)
  curl -sf -o /dev/null -H "$AUTH" -H "$JSON" -d '{"resource_type":"TOPIC","resource_name":"orders","pattern_type":"PREFIXED","principal":"User:'$SA'","operation":"ALL","permission":"ALLOW"}' $API/v1/kafka/clusters/$CLUSTER/acls

  # 5. a cluster API key for it (the secret is shown once); wait until it is READY
  KEY=$(curl -sf -H "$AUTH" -H "$JSON" -d '{"cluster_id":"'$CLUSTER'","owner":{"kind":"service_account","id":"'$SA'"}}' $API/v1/api-keys)
  KEY_ID=$(echo "$KEY" | j .id); KEY_SECRET=$(echo "$KEY" | j .secret)
  until [ "$(curl -sf -H "$AUTH" $API/v1/api-keys/$KEY_ID | j .status)" = READY ]; do sleep 0.2; done

  # 6. a topic, then produce and consume with kcat over SASL/PLAIN
  curl -sf -o /dev/null -H "$AUTH" -H "$JSON" -d '{"name":"orders","partitions":3}' $API/v1/kafka/clusters/$CLUSTER/topics
  until [ "$(curl -sf -H "$AUTH" $API/v1/kafka/clusters/$CLUSTER/topics/orders | j .status)" = READY ]; do sleep 0.2; done
  SASL="-X security.protocol=SASL_PLAINTEXT -X sasl.mechanism=PLAIN -X sasl.username=$KEY_ID -X sasl.password=$KEY_SECRET"
  echo "hello from kcat" | kcat -P -b $BOOTSTRAP -t orders $SASL
  kcat -C -b $BOOTSTRAP -t orders -e -q $SASL

Ctrl-C stops everything (brokers too); the next \`npm start\` brings the clusters back.
`;
}
