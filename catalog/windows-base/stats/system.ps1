#!/usr/bin/env pwsh
# HealOps windows-base / stats: system
# Numbers about the machine; only the perfdata matters (stats job).
# Perfdata: uptime (s), memory_available (MB), memory_available_pct (%), processes, cpu_load (%, average over
# processors as reported by Win32_Processor.LoadPercentage).

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$Invariant = [System.Globalization.CultureInfo]::InvariantCulture

function Format-Number([double]$Value, [string]$Format) {
  return $Value.ToString($Format, $Invariant)
}

try {
  $os = Get-CimInstance -ClassName Win32_OperatingSystem
  $cpus = @(Get-CimInstance -ClassName Win32_Processor)
} catch {
  Write-Output "SYSTEM UNKNOWN - cannot query Win32_OperatingSystem / Win32_Processor: $($_.Exception.Message)"
  exit 3
}

$uptime = ((Get-Date) - $os.LastBootUpTime).TotalSeconds
$totalMb = [double]$os.TotalVisibleMemorySize / 1024
$freeMb = [double]$os.FreePhysicalMemory / 1024
$freePct = 0.0
if ($totalMb -gt 0) { $freePct = $freeMb * 100 / $totalMb }
$processes = @(Get-Process).Count
$loads = @($cpus | Where-Object { $null -ne $_.LoadPercentage } | ForEach-Object { [double]$_.LoadPercentage })
$cpuPerf = ''
$cpuText = 'unknown'
if ($loads.Count -gt 0) {
  $cpuLoad = ($loads | Measure-Object -Average).Average
  $cpuText = "$(Format-Number $cpuLoad 'F0')%"
  $cpuPerf = " 'cpu_load'=$(Format-Number $cpuLoad 'F0')%;;;0;100"
}

Write-Output ("SYSTEM OK - up $(Format-Number ($uptime / 86400) 'F1') days, " +
  "$(Format-Number $freePct 'F1')% memory available, $processes processes, CPU $cpuText" +
  " | 'uptime'=$(Format-Number $uptime 'F0')s;;;0" +
  " 'memory_available'=$(Format-Number $freeMb 'F0')MB;;;0;$(Format-Number $totalMb 'F0')" +
  " 'memory_available_pct'=$(Format-Number $freePct 'F1')%;;;0;100" +
  " 'processes'=$processes;;;0" + $cpuPerf)
exit 0
