#!/usr/bin/env pwsh
# HealOps windows-base / service-running
# Is the Windows service named by param `service` running?
#
# Params (env HEALOPS_PARAM_*):
#   SERVICE  service name (the short name, as in `Get-Service`; not the display name), default EventLog
# Perfdata: running (1/0).
# Exit: 0 running; 1 starting, stopping or paused in between (*Pending); 2 stopped, paused or not installed;
#       3 bad parameter or services cannot be queried.

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

function Exit-Unknown([string]$Message) {
  Write-Output "SERVICE UNKNOWN - $Message"
  exit 3
}

function Get-Param([string]$Name, [string]$Default) {
  $value = [System.Environment]::GetEnvironmentVariable("HEALOPS_PARAM_$Name")
  if ([string]::IsNullOrWhiteSpace($value)) { return $Default }
  return $value.Trim()
}

$name = Get-Param 'SERVICE' 'EventLog'
# Get-Service treats * ? [ ] as wildcards; a service name never contains them, nor / \ or a '|'.
if ($name.Length -gt 256 -or $name -match '[\*\?\[\]/\\|\r\n]') {
  Exit-Unknown "param service is not a valid service name: '$name'"
}

if (-not (Get-Command -Name Get-Service -ErrorAction SilentlyContinue)) {
  Exit-Unknown 'Get-Service is not available (this check needs Windows)'
}

try {
  $service = Get-Service -Name $name -ErrorAction Stop
} catch [Microsoft.PowerShell.Commands.ServiceCommandException] {
  Write-Output "SERVICE CRITICAL - service '$name' is not installed | 'running'=0;;1:;0;1"
  exit 2
} catch {
  Exit-Unknown "cannot query service '$name': $($_.Exception.Message)"
}

$status = [string]$service.Status
$startType = 'unknown'
if ($service.PSObject.Properties.Name -contains 'StartType') { $startType = [string]$service.StartType }
$label = "'$($service.Name)' ($($service.DisplayName))"

switch ($status) {
  'Running' {
    Write-Output "SERVICE OK - $label is running (start type $startType) | 'running'=1;;1:;0;1"
    exit 0
  }
  { $_ -like '*Pending' } {
    Write-Output "SERVICE WARNING - $label is $status (start type $startType) | 'running'=0;;1:;0;1"
    exit 1
  }
  default {
    Write-Output "SERVICE CRITICAL - $label is $status (start type $startType) | 'running'=0;;1:;0;1"
    if ($startType -eq 'Disabled') { Write-Output 'The service is disabled: the repair will not start it.' }
    exit 2
  }
}
