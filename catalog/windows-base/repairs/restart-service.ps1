#!/usr/bin/env pwsh
# HealOps windows-base / repair for service-running: Restart-Service the service named by param `service`, then
# wait until it is Running. Refuses (exit 3, nothing changed) when the service is not installed or is Disabled:
# a disabled service was switched off on purpose, and enabling it is a decision for a human.
#
# Params (env HEALOPS_PARAM_*):
#   SERVICE                service name (default EventLog)
#   SERVICE_START_TIMEOUT  seconds to wait for Running after the restart (default 60)
# Exit: 0 running after restart; 2 restart failed or timed out; 3 refused or cannot run here.

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

function Get-Param([string]$Name, [string]$Default) {
  $value = [System.Environment]::GetEnvironmentVariable("HEALOPS_PARAM_$Name")
  if ([string]::IsNullOrWhiteSpace($value)) { return $Default }
  return $value.Trim()
}

$name = Get-Param 'SERVICE' 'EventLog'
if ($name.Length -gt 256 -or $name -match '[\*\?\[\]/\\|\r\n]') {
  Write-Output "REPAIR SKIPPED - param service is not a valid service name: '$name'; nothing was changed"
  exit 3
}
$timeoutText = Get-Param 'SERVICE_START_TIMEOUT' '60'
$timeoutSeconds = 0
if (-not [int]::TryParse($timeoutText, [ref]$timeoutSeconds) -or $timeoutSeconds -lt 1) {
  Write-Output "REPAIR SKIPPED - param service_start_timeout must be a whole number of seconds, got '$timeoutText'"
  exit 3
}

if (-not (Get-Command -Name Restart-Service -ErrorAction SilentlyContinue)) {
  Write-Output 'REPAIR SKIPPED - Restart-Service is not available (this repair needs Windows)'
  exit 3
}

try {
  $service = Get-Service -Name $name -ErrorAction Stop
} catch {
  Write-Output "REPAIR SKIPPED - service '$name' cannot be found: $($_.Exception.Message); nothing was changed"
  exit 3
}

$startType = 'unknown'
if ($service.PSObject.Properties.Name -contains 'StartType') { $startType = [string]$service.StartType }
if ($startType -eq 'Disabled') {
  Write-Output "REPAIR SKIPPED - service '$name' is Disabled; HealOps does not enable services. Nothing was changed."
  exit 3
}

Write-Output "restarting service '$name' (status before: $($service.Status), start type $startType)"
try {
  # -Force also restarts services that depend on this one.
  Restart-Service -Name $name -Force -ErrorAction Stop
  $service.WaitForStatus([System.ServiceProcess.ServiceControllerStatus]::Running, [TimeSpan]::FromSeconds($timeoutSeconds))
} catch {
  $service.Refresh()
  Write-Output "REPAIR FAILED - '$name' is $($service.Status) after restart: $($_.Exception.Message)"
  exit 2
}

$service.Refresh()
Write-Output "REPAIR OK - '$name' restarted and $($service.Status)"
exit 0
