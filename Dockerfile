# The upload service on the official Open Liberty image, following Liberty's container pattern:
# server.xml, features.sh (installs the features server.xml lists), the application, configure.sh.
#
# Build the WAR first, on the host:   mvn -DskipTests package
# then:                               docker build -t large-upload .
#                                     docker run -p 8001:8001 large-upload
# Configuration is by environment variables, as for the runnable jar (see README, "Configuration").
#
# Not built or run in this project's CI: no Docker engine runs there. Kept simple so it can be checked by reading.
FROM icr.io/appcafe/open-liberty:26.0.0.3-kernel-slim-java17-openj9-ubi

COPY --chown=1001:0 upload-web/src/main/liberty/config/server.xml /config/
RUN features.sh

# The PostgreSQL JDBC driver (server.xml's dataSource reads ${server.config.dir}/lib/jdbc) and the application.
COPY --chown=1001:0 upload-web/target/liberty/wlp/usr/servers/uploadServer/lib/jdbc/ /config/lib/jdbc/
COPY --chown=1001:0 upload-web/target/upload-web.war /config/apps/

# Listen on every interface inside the container; keep embedded data (H2, files) on a volume;
# log JSON lines to the console for the platform's log collector.
USER root
RUN mkdir -p /data && chown 1001:0 /data && chmod g+rwx /data
USER 1001
ENV HOST=0.0.0.0 \
    PORT=8001 \
    DATA_DIR=/data \
    WLP_LOGGING_CONSOLE_FORMAT=json \
    WLP_LOGGING_CONSOLE_SOURCE=message,trace,accessLog,ffdc,audit
VOLUME /data
EXPOSE 8001

RUN configure.sh
