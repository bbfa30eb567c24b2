# Removes the pms-relay agent Windows service (elevated PowerShell).
$ErrorActionPreference = "Stop"
Stop-Service PmsRelayAgent -ErrorAction SilentlyContinue
& (Join-Path $PSScriptRoot "prunsrv.exe") //DS//PmsRelayAgent
