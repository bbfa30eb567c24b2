#!/usr/bin/env bash
# Installs the pms-relay agent as a systemd service. Run as root:
#   sudo ./install-linux.sh /path/to/pms-relay.jar /path/to/agent.json
set -euo pipefail
jar="${1:?usage: install-linux.sh PMS_RELAY_JAR AGENT_JSON}"
config="${2:?usage: install-linux.sh PMS_RELAY_JAR AGENT_JSON}"
here="$(cd "$(dirname "$0")" && pwd)"

id pms-relay >/dev/null 2>&1 || useradd --system --home /var/lib/pms-relay --shell /usr/sbin/nologin pms-relay
# Owned by the service: it replaces pms-relay.jar there when it updates itself (README, 'Agent updates').
install -d -m 0755 -o pms-relay -g pms-relay /opt/pms-relay
install -d -m 0750 -o pms-relay -g pms-relay /var/lib/pms-relay /etc/pms-relay
install -m 0644 -o pms-relay -g pms-relay "$jar" /opt/pms-relay/pms-relay.jar
# The config holds the agent key and the database password: readable by the service only.
install -m 0600 -o pms-relay -g pms-relay "$config" /etc/pms-relay/agent.json
install -m 0644 "$here/systemd/pms-relay-agent.service" /etc/systemd/system/pms-relay-agent.service
systemctl daemon-reload
systemctl enable --now pms-relay-agent
systemctl --no-pager status pms-relay-agent || true
