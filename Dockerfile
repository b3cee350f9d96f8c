# syntax=docker/dockerfile:1
# Imagine in a container: build with the Maven wrapper, run on a JRE as a non-root user.
#
#   docker build -t imagine .
#   docker run -d --name imagine -p 127.0.0.1:8080:8080 -v imagine-data:/data \
#     -e IMAGINE_API_KEY=change-me -e DISCORD_TOKEN=... -e TELEGRAM_BOT_TOKEN=... imagine
#
# The first start downloads the model and the picture classifier (about 4.6 GB) into the /data volume; later starts
# reuse them.

FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
# Dependencies first, in their own layer: it is rebuilt only when a pom changes, not on every source edit.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY pipeline/pom.xml pipeline/
COPY bot/pom.xml bot/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q dependency:go-offline -DexcludeReactor=true
COPY pipeline/src pipeline/src
COPY bot/src bot/src
# The tests run in CI (.ci/run); the image build only packages.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q package -DskipTests && cp bot/target/imagine.jar /imagine.jar

FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 imagine \
 && useradd --system --uid 10001 --gid imagine --home-dir /data --shell /usr/sbin/nologin imagine \
 && mkdir -p /app /data \
 && chown imagine:imagine /data
COPY --from=build /imagine.jar /app/imagine.jar
COPY config.yaml /app/config.yaml
# In a container the playground must listen beyond loopback to be reachable through the published port; Imagine then
# requires IMAGINE_API_KEY for the API (health and metrics stay open for the orchestrator).
RUN sed -i 's/^  host: 127.0.0.1$/  host: 0.0.0.0/' /app/config.yaml
# Models, the job store, the result cache and the tokenizer's native library all live in the volume.
ENV XDG_CACHE_HOME=/data/cache \
    XDG_DATA_HOME=/data/share \
    DJL_CACHE_DIR=/data/cache/djl \
    JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=25"
VOLUME ["/data"]
USER imagine
WORKDIR /data
EXPOSE 8080
# bash's /dev/tcp keeps the image free of curl; /healthz answers 200 only when the model is loaded and the worker runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15m --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# Exec form: java runs as PID 1 and receives SIGTERM itself, so "docker stop" drains it gracefully.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/app/imagine.jar", "--config", "/app/config.yaml"]
