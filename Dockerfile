# The standalone gateway (and every host adapter command) in one image.
#   docker build -t fairway .
#   docker run --rm -p 8787:8787 fairway serve --demo --host 0.0.0.0
# With your own configuration and keys:
#   docker run --rm -p 8787:8787 -v $PWD/fairway.yaml:/etc/fairway/fairway.yaml:ro -e OPENAI_API_KEY fairway
# Kubernetes probes: /healthz (liveness) and /readyz (readiness) on the admin port 8788; off loopback
# the admin listener needs server.admin_host: 0.0.0.0 and server.admin_token (see docs/configuration.md).

# Build: the Maven wrapper on a JDK; only what the runnable jar needs (tests run in CI, not here).
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -q -DskipTests -pl cli -am package

# Run: a JRE, a user without privileges, bin/fairway as the entry point.
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/fairway --create-home fairway \
    && mkdir -p /etc/fairway && printf 'server: {host: 0.0.0.0}\n' > /etc/fairway/fairway.yaml
COPY --from=build /src/cli/target/fairway.jar /opt/fairway/cli/target/fairway.jar
COPY bin/fairway /opt/fairway/bin/fairway
# The jar is built above: bin/fairway only finds the JRE and runs it.
ENV FAIRWAY_SKIP_BUILD=1
USER fairway
WORKDIR /var/lib/fairway
EXPOSE 8787 8788
# SIGTERM (docker stop, Kubernetes) drains open requests and streams for server.drain_seconds
# (default 30): give the container at least that long (docker stop -t 35, terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/fairway/bin/fairway"]
CMD ["serve", "--config", "/etc/fairway/fairway.yaml"]
