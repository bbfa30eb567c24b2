# Installs the pms-relay agent as a Windows service with Apache Commons Daemon's procrun
# (prunsrv.exe, from commons.apache.org/daemon; place it beside this script).
# Run in an elevated PowerShell:
#   .\install-service.ps1 -Jar C:\pms-relay\pms-relay.jar -Config C:\ProgramData\pms-relay\agent.json
param(
  [Parameter(Mandatory = $true)][string]$Jar,
  [Parameter(Mandatory = $true)][string]$Config,
  [string]$Java = (Get-Command java).Source
)
$ErrorActionPreference = "Stop"
$prunsrv = Join-Path $PSScriptRoot "prunsrv.exe"
if (-not (Test-Path $prunsrv)) { throw "prunsrv.exe not found beside this script" }
# The service starts the agent through run-agent.cmd, beside the jar: it puts a self-update's
# pms-relay.next.jar in place before java opens pms-relay.jar (Windows cannot replace an open jar).
if ((Split-Path -Leaf $Jar) -ne "pms-relay.jar") { throw "the jar must be named pms-relay.jar (self-update replaces it by name)" }
$launcher = Join-Path (Split-Path -Parent $Jar) "run-agent.cmd"
Copy-Item -Force (Join-Path $PSScriptRoot "run-agent.cmd") $launcher
$logs = "C:\ProgramData\pms-relay\logs"
New-Item -ItemType Directory -Force -Path $logs | Out-Null
# The config holds the agent key and the database password: only SYSTEM and Administrators may read it.
icacls $Config /inheritance:r /grant:r "SYSTEM:R" "Administrators:F" | Out-Null
# JVM flags for a small always-on service: in run-agent.cmd; see agent-launcher/README.md (the same as the systemd unit's).
& $prunsrv //IS//PmsRelayAgent `
  --DisplayName="pms-relay agent" `
  --Description="Read-only relay between the practice's PMS database and the pms-relay cloud" `
  --Startup=auto --StartMode=exec --StopMode=exec --StopTimeout=30 `
  --StartImage="$env:ComSpec" `
  --StartParams="/c;$launcher;$Java;$Config" `
  --LogPath="$logs" --StdOutput=auto --StdError=auto
# Restart on any exit: the agent exits with status 75 to be started on a new jar after a
# self-update or a rollback (README, 'Agent updates'); failureflag makes a non-zero exit count.
sc.exe failure PmsRelayAgent reset= 86400 actions= restart/5000/restart/5000/restart/30000 | Out-Null
sc.exe failureflag PmsRelayAgent 1 | Out-Null
Start-Service PmsRelayAgent
Get-Service PmsRelayAgent
