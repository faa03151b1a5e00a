#!/usr/bin/env pwsh
# HealOps windows-base / disk-free
# Free space of every local fixed disk (Win32_LogicalDisk, DriveType 3), or of the drives in param `drives`.
# Alerts when the free share falls BELOW the thresholds.
#
# Params (env HEALOPS_PARAM_*):
#   DISK_FREE_WARN  warn when less than this percent of a disk is free (default 15)
#   DISK_FREE_CRIT  critical when less than this percent is free (default 5)
#   DRIVES          space- or comma-separated drive letters, e.g. "C: D:" (default: every local fixed disk)
# Perfdata: one item per drive, used space in MB with warn/crit/min/max in MB (like check_disk).
# Exit: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad parameter, WMI/CIM not available, drive not found).

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$Invariant = [System.Globalization.CultureInfo]::InvariantCulture

function Exit-Unknown([string]$Message) {
  Write-Output "DISK UNKNOWN - $Message"
  exit 3
}

function Get-Param([string]$Name, [string]$Default) {
  $value = [System.Environment]::GetEnvironmentVariable("HEALOPS_PARAM_$Name")
  if ([string]::IsNullOrWhiteSpace($value)) { return $Default }
  return $value.Trim()
}

function ConvertTo-Percent([string]$Text, [string]$Param) {
  $number = 0.0
  $ok = [double]::TryParse($Text, [System.Globalization.NumberStyles]::Float, $Invariant, [ref]$number)
  if (-not $ok -or $number -lt 0 -or $number -gt 100) {
    Exit-Unknown "param $Param must be a percentage 0-100, got '$Text'"
  }
  return $number
}

function Format-Number([double]$Value, [string]$Format) {
  return $Value.ToString($Format, $Invariant)
}

$warn = ConvertTo-Percent (Get-Param 'DISK_FREE_WARN' '15') 'disk_free_warn'
$crit = ConvertTo-Percent (Get-Param 'DISK_FREE_CRIT' '5') 'disk_free_crit'
if ($crit -gt $warn) {
  Exit-Unknown "param disk_free_crit ($crit) must not exceed disk_free_warn ($warn): both are minimum free percentages"
}

$wanted = @()
foreach ($item in ((Get-Param 'DRIVES' '') -split '[\s,;]+')) {
  if ($item -eq '') { continue }
  if ($item -notmatch '^[A-Za-z]:?$') { Exit-Unknown "param drives must list drive letters such as C: D:, got '$item'" }
  $wanted += ($item.Substring(0, 1).ToUpperInvariant() + ':')
}

try {
  $disks = @(Get-CimInstance -ClassName Win32_LogicalDisk -Filter 'DriveType = 3')
} catch {
  Exit-Unknown "cannot query Win32_LogicalDisk: $($_.Exception.Message)"
}

if ($wanted.Count -gt 0) {
  $selected = @()
  foreach ($drive in $wanted) {
    $match = @($disks | Where-Object { $_.DeviceID -eq $drive })
    if ($match.Count -eq 0) { Exit-Unknown "drive $drive from param drives is not a local fixed disk on this machine" }
    $selected += $match[0]
  }
  $disks = $selected
}

$perf = @()
$long = @()
$bad = @()
$status = 0
$checked = 0
$leastFree = $null
$leastDrive = ''
foreach ($disk in $disks) {
  if ($null -eq $disk.Size -or [double]$disk.Size -le 0) { continue }
  $checked++
  $size = [double]$disk.Size
  $free = [double]$disk.FreeSpace
  $freePct = $free * 100 / $size
  $state = 'ok'
  if ($freePct -lt $crit) {
    $state = 'critical'
    $status = 2
    $bad += "$($disk.DeviceID) $(Format-Number $freePct 'F1')% free (crit below $crit%)"
  } elseif ($freePct -lt $warn) {
    $state = 'warning'
    if ($status -lt 1) { $status = 1 }
    $bad += "$($disk.DeviceID) $(Format-Number $freePct 'F1')% free (warn below $warn%)"
  }
  if ($null -eq $leastFree -or $freePct -lt $leastFree) {
    $leastFree = $freePct
    $leastDrive = $disk.DeviceID
  }
  $mb = 1024 * 1024
  $perf += "'$($disk.DeviceID)'=$(Format-Number (($size - $free) / $mb) 'F0')MB;" +
    "$(Format-Number ($size * (100 - $warn) / 100 / $mb) 'F0');$(Format-Number ($size * (100 - $crit) / 100 / $mb) 'F0');" +
    "0;$(Format-Number ($size / $mb) 'F0')"
  $long += "$($disk.DeviceID) ($($disk.VolumeName)): $(Format-Number $freePct 'F1')% free, " +
    "$(Format-Number ($free / $mb) 'F0') MB of $(Format-Number ($size / $mb) 'F0') MB [$state]"
}

if ($checked -eq 0) { Exit-Unknown 'no local fixed disk with a size found' }

$names = @('OK', 'WARNING', 'CRITICAL')
if ($status -eq 0) {
  $summary = "$checked disk(s) with at least $warn% free, least free $leastDrive $(Format-Number $leastFree 'F1')%"
} else {
  $summary = $bad -join ', '
}
Write-Output "DISK $($names[$status]) - $summary | $($perf -join ' ')"
foreach ($line in $long) { Write-Output $line }
exit $status
