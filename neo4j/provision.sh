#!/usr/bin/env bash
# Provision a Neo4j Community 5.26 LTS server install from Maven Central.
#
# Neo4j does not publish its distribution tarball (org.neo4j.assembly:neo4j-community)
# on Maven Central, so this script assembles an equivalent install from the
# published jars:
#   lib/               <- org.neo4j:neo4j:$VERSION and its runtime dependencies
#   cypher-shell/lib/  <- org.neo4j:cypher-shell:$VERSION and its dependencies
#   bin/neo4j, bin/neo4j-admin, bin/cypher-shell  <- small launchers for the
#       official entry points (org.neo4j.server.startup.Neo4jCommand,
#       org.neo4j.server.startup.Neo4jAdminCommand, org.neo4j.shell.Main)
#   conf/              <- neo4j.conf + log4j configs (server.sh writes per-run copies)
#
# The install lands in neo4j/.cache/neo4j-community-$VERSION (git-ignored) and
# neo4j/.cache/neo4j-home is a symlink to it. A second run is a fast no-op.
#
# Env knobs:
#   NEO4J_VERSION   Neo4j version to provision (default: 5.26.30)
#   NEO4J_CACHE_DIR where installs go (default: <this dir>/.cache)
#   MVN             maven command (default: mvn)
#   MVN_ARGS        extra maven arguments (e.g. "-o" or "-Dmaven.repo.local=...")
#
# Prints the install directory (NEO4J_HOME) on stdout; progress goes to stderr.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NEO4J_VERSION="${NEO4J_VERSION:-5.26.30}"
CACHE_DIR="${NEO4J_CACHE_DIR:-$SCRIPT_DIR/.cache}"
MVN="${MVN:-mvn}"
MVN_ARGS="${MVN_ARGS:-}"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
INSTALL_DIR="$CACHE_DIR/neo4j-community-$NEO4J_VERSION"
MARKER="$INSTALL_DIR/.provisioned"
# Bump when the layout/launchers written below change, so old installs get rebuilt.
LAYOUT_REV=3

log() { echo "[neo4j/provision] $*" >&2; }
die() { echo "[neo4j/provision] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
check_java() {
  command -v java >/dev/null 2>&1 ||
    die "java not found on PATH. Neo4j $NEO4J_VERSION needs a Java 17 or 21 JDK/JRE (Debian: apt-get install openjdk-17-jre-headless)."
  local ver major
  ver="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  major="${ver%%.*}"
  [[ "$major" =~ ^[0-9]+$ ]] || die "could not parse java version from 'java -version' (got '$ver')."
  if [[ "$major" != "17" && "$major" != "21" ]]; then
    if (( major < 17 )); then
      die "java $ver is too old: Neo4j $NEO4J_VERSION needs Java 17 or 21."
    fi
    log "WARNING: java $ver is not an officially supported runtime for Neo4j 5.26 (17 or 21)."
  fi
}

# neo4j/.cache/neo4j-home -> current install (only touched when it changes, so
# concurrent no-op runs never race on it).
link_home() {
  local name
  name="$(basename "$INSTALL_DIR")"
  if [[ "$(readlink "$CACHE_DIR/neo4j-home" 2>/dev/null || true)" != "$name" ]]; then
    ln -sfn "$name" "$CACHE_DIR/neo4j-home" 2>/dev/null || true
  fi
}

check_java

# ------------------------------------------------------------------- fast path
if [[ -f "$MARKER" ]] && [[ "$(cat "$MARKER")" == "$NEO4J_VERSION rev$LAYOUT_REV" ]]; then
  link_home
  echo "$INSTALL_DIR"
  exit 0
fi

command -v "$MVN" >/dev/null 2>&1 ||
  die "'$MVN' (Apache Maven) not found on PATH; it is needed once to fetch Neo4j $NEO4J_VERSION from Maven Central (Debian: apt-get install maven)."

mkdir -p "$CACHE_DIR"
# Serialise concurrent provisioning (e.g. parallel test workers).
exec 9>"$CACHE_DIR/.provision.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
# Someone else may have finished while we waited for the lock.
if [[ -f "$MARKER" ]] && [[ "$(cat "$MARKER")" == "$NEO4J_VERSION rev$LAYOUT_REV" ]]; then
  link_home
  echo "$INSTALL_DIR"
  exit 0
fi

STAGE="$CACHE_DIR/.stage-$NEO4J_VERSION-$$"
rm -rf "$STAGE"
mkdir -p "$STAGE"
trap 'rm -rf "$STAGE"' EXIT

write_pom() { # $1=dir $2=groupId $3=artifactId
  mkdir -p "$1"
  cat >"$1/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.neo4j.provision</groupId>
  <artifactId>$3-bundle</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>$2</groupId>
      <artifactId>$3</artifactId>
      <version>$NEO4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
}

fetch() { # $1=groupId $2=artifactId $3=outputDir
  local pomdir="$STAGE/mvn/$2"
  write_pom "$pomdir" "$1" "$2"
  log "fetching $1:$2:$NEO4J_VERSION (+ runtime deps) via maven ..."
  # shellcheck disable=SC2086
  if ! "$MVN" -B -q $MVN_ARGS -f "$pomdir/pom.xml" \
      "$DEP_PLUGIN:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$3" >"$STAGE/mvn-$2.log" 2>&1; then
    tail -n 40 "$STAGE/mvn-$2.log" >&2 || true
    die "maven could not resolve $1:$2:$NEO4J_VERSION (full log above). Is Maven Central reachable?"
  fi
}

T0=$SECONDS
H="$STAGE/home"
mkdir -p "$H/bin" "$H/conf" "$H/plugins" "$H/cypher-shell"
fetch org.neo4j neo4j "$H/lib"
fetch org.neo4j cypher-shell "$H/cypher-shell/lib"
[[ -f "$H/lib/neo4j-$NEO4J_VERSION.jar" ]] || die "org.neo4j:neo4j jar missing after download."

# ---------------------------------------------------------------- launchers
# Same shape as the launchers in the official tarball: a tiny JVM running the
# bootloader, which then spawns the real server JVM with settings from neo4j.conf.
cat >"$H/bin/_common.sh" <<'EOF'
# sourced by the launchers in this directory
NEO4J_HOME="${NEO4J_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export NEO4J_HOME
NEO4J_CONF="${NEO4J_CONF:-$NEO4J_HOME/conf}"
export NEO4J_CONF
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA_CMD="$JAVA_HOME/bin/java"; else JAVA_CMD="java"; fi
EOF

cat >"$H/bin/neo4j" <<'EOF'
#!/usr/bin/env bash
# neo4j console|start|stop|restart|status|version  (see `neo4j --help`)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
# The bootloader JVM only parses config and spawns/monitors the server JVM: keep it small.
exec "$JAVA_CMD" ${NEO4J_BOOTLOADER_OPTS:--Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} \
  -cp "$NEO4J_HOME/lib/*" -Dbasedir="$NEO4J_HOME" -Dfile.encoding=UTF-8 \
  org.neo4j.server.startup.Neo4jCommand "$@"
EOF

cat >"$H/bin/neo4j-admin" <<'EOF'
#!/usr/bin/env bash
# neo4j-admin dbms|server|database ...  (see `neo4j-admin --help`)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
exec "$JAVA_CMD" ${NEO4J_BOOTLOADER_OPTS:--Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} \
  -cp "$NEO4J_HOME/lib/*" -Dbasedir="$NEO4J_HOME" -Dfile.encoding=UTF-8 \
  org.neo4j.server.startup.Neo4jAdminCommand "$@"
EOF

cat >"$H/bin/cypher-shell" <<'EOF'
#!/usr/bin/env bash
# cypher-shell -a bolt://host:port -u neo4j -p secret "RETURN 1"
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
exec "$JAVA_CMD" ${CYPHER_SHELL_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} \
  -cp "$NEO4J_HOME/cypher-shell/lib/*" -Dfile.encoding=UTF-8 \
  org.neo4j.shell.Main "$@"
EOF
chmod +x "$H/bin/neo4j" "$H/bin/neo4j-admin" "$H/bin/cypher-shell"

# ---------------------------------------------------------------- default conf
# Log4j configs referenced by server.logs.config / server.logs.user.config.
cat >"$H/conf/server-logs.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="ERROR" monitorInterval="30" packages="org.neo4j.logging.log4j">
    <Appenders>
        <RollingRandomAccessFile name="DebugLog" fileName="${config:server.directories.logs}/debug.log"
                                 filePattern="$${config:server.directories.logs}/debug.log.%02i">
            <Neo4jDebugLogLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p [%c{1.}] %m%n"/>
            <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
            <DefaultRolloverStrategy fileIndex="min" max="3"/>
        </RollingRandomAccessFile>
        <RollingRandomAccessFile name="HttpLog" fileName="${config:server.directories.logs}/http.log"
                                 filePattern="$${config:server.directories.logs}/http.log.%02i">
            <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m%n"/>
            <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
            <DefaultRolloverStrategy fileIndex="min" max="2"/>
        </RollingRandomAccessFile>
        <RollingRandomAccessFile name="QueryLog" fileName="${config:server.directories.logs}/query.log"
                                 filePattern="$${config:server.directories.logs}/query.log.%02i">
            <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m%n"/>
            <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
            <DefaultRolloverStrategy fileIndex="min" max="2"/>
        </RollingRandomAccessFile>
        <RollingRandomAccessFile name="SecurityLog" fileName="${config:server.directories.logs}/security.log"
                                 filePattern="$${config:server.directories.logs}/security.log.%02i">
            <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m%n"/>
            <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
            <DefaultRolloverStrategy fileIndex="min" max="2"/>
        </RollingRandomAccessFile>
    </Appenders>
    <Loggers>
        <Logger name="HttpLogger" level="INFO" additivity="false"><AppenderRef ref="HttpLog"/></Logger>
        <Logger name="QueryLogger" level="INFO" additivity="false"><AppenderRef ref="QueryLog"/></Logger>
        <Logger name="SecurityLogger" level="INFO" additivity="false"><AppenderRef ref="SecurityLog"/></Logger>
        <Root level="INFO"><AppenderRef ref="DebugLog"/></Root>
    </Loggers>
</Configuration>
EOF

cat >"$H/conf/user-logs.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="ERROR" monitorInterval="30" packages="org.neo4j.logging.log4j">
    <Appenders>
        <RollingRandomAccessFile name="Neo4jLog" fileName="${config:server.directories.logs}/neo4j.log"
                                 filePattern="$${config:server.directories.logs}/neo4j.log.%02i">
            <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m%n"/>
            <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
            <DefaultRolloverStrategy fileIndex="min" max="3"/>
        </RollingRandomAccessFile>
        <Console name="ConsoleAppender" target="SYSTEM_OUT">
            <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m%n"/>
        </Console>
    </Appenders>
    <Loggers>
        <Root level="INFO"><AppenderRef ref="Neo4jLog"/><AppenderRef ref="ConsoleAppender"/></Root>
    </Loggers>
</Configuration>
EOF

# Base neo4j.conf. server.sh copies this into a per-run conf dir and appends
# ports, directories, memory and password-related settings.
cat >"$H/conf/neo4j.conf" <<'EOF'
# Neo4j Community 5.26 base config written by neo4j/provision.sh (local dev/test use).
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.http.enabled=true
server.https.enabled=false
dbms.security.auth_enabled=true
# No outbound network calls: usage data reporting off.
dbms.usage_report.enabled=false
server.logs.gc.enabled=false
# Keep transaction logs short-lived (throw-away dev/test databases).
db.tx_log.rotation.retention_policy=2 files
# Faster shutdown: Netty's Bolt event loops otherwise idle 5s each (2x) before exiting.
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
internal.dbms.bolt.netty_server_shutdown_timeout=5s
# JVM flags from the official 5.x neo4j.conf (the bootloader passes these to the server JVM).
server.jvm.additional=-XX:+UseG1GC
server.jvm.additional=-XX:-OmitStackTraceInFastThrow
server.jvm.additional=-XX:+UnlockExperimentalVMOptions
server.jvm.additional=-XX:+TrustFinalNonStaticFields
server.jvm.additional=-XX:+DisableExplicitGC
server.jvm.additional=-Djdk.nio.maxCachedBufferSize=1024
server.jvm.additional=-Dio.netty.tryReflectionSetAccessible=true
server.jvm.additional=-Djdk.tls.ephemeralDHKeySize=2048
server.jvm.additional=-Djdk.tls.rejectClientInitiatedRenegotiation=true
server.jvm.additional=-XX:FlightRecorderOptions=stackdepth=256
server.jvm.additional=-XX:+UnlockDiagnosticVMOptions
server.jvm.additional=-XX:+DebugNonSafepoints
server.jvm.additional=--add-opens=java.base/java.nio=ALL-UNNAMED
server.jvm.additional=--add-opens=java.base/java.io=ALL-UNNAMED
server.jvm.additional=--add-opens=java.base/sun.nio.ch=ALL-UNNAMED
server.jvm.additional=-Dlog4j2.disable.jmx=true
server.jvm.additional=-Dlog4j.layout.jsonTemplate.maxStringLength=32768
EOF

echo "$NEO4J_VERSION" >"$H/VERSION"

# ---------------------------------------------------------------- publish atomically
rm -rf "$INSTALL_DIR"
mv "$H" "$INSTALL_DIR"
echo "$NEO4J_VERSION rev$LAYOUT_REV" >"$MARKER"
link_home
log "Neo4j Community $NEO4J_VERSION ready in $INSTALL_DIR ($((SECONDS - T0))s, $(du -sh "$INSTALL_DIR" | cut -f1))"
echo "$INSTALL_DIR"
