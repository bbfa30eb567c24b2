#!/usr/bin/env bash
# Removes the pms-relay agent service. Keeps /etc/pms-relay (the key) unless --purge is given.
set -euo pipefail
systemctl disable --now pms-relay-agent 2>/dev/null || true
rm -f /etc/systemd/system/pms-relay-agent.service
systemctl daemon-reload
rm -rf /opt/pms-relay
if [ "${1:-}" = "--purge" ]; then
  rm -rf /etc/pms-relay /var/lib/pms-relay
  userdel pms-relay 2>/dev/null || true
fi
