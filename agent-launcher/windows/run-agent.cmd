@echo off
rem Starts the pms-relay agent for its Windows service (install-service.ps1 copies this file beside
rem pms-relay.jar). A running JVM holds its jar open, so a self-update leaves the new, verified jar
rem as pms-relay.next.jar and exits 75; here, while no JVM holds pms-relay.jar, it is put in place
rem (the jar it replaces kept as pms-relay.previous.jar). A rollback is staged the same way.
rem Usage: run-agent.cmd JAVA_EXE AGENT_JSON
setlocal
set "DIR=%~dp0"
if exist "%DIR%pms-relay.next.jar" (
  if exist "%DIR%pms-relay.jar" move /Y "%DIR%pms-relay.jar" "%DIR%pms-relay.previous.jar" >nul
  move /Y "%DIR%pms-relay.next.jar" "%DIR%pms-relay.jar" >nul
)
"%~1" -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "%DIR%pms-relay.jar" agent --config "%~2"
exit /b %ERRORLEVEL%
