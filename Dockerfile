# Portico in a small static image:
#
#   docker build -t portico .
#   docker run -d --name portico -p 4242:4242 -v portico-data:/data \
#     -e PORTICO_SECRET_KEY=sk_live_... -e PORTICO_PUBLIC_URL=https://billing.example.com portico
#
# The binary is pure Go (the SQLite driver too), so it is built without cgo
# and runs on distroless/static: CA certificates (for SMTP and webhook
# endpoints over TLS), time zone data, a non-root user, and no shell.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/portico ./cmd/portico \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portico /usr/local/bin/portico
# The SQLite database (and its -wal and -shm files) live on this volume,
# owned by the image's non-root user (65532).
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME /data
USER 65532:65532
WORKDIR /data
ENV PORTICO_ADDR=0.0.0.0:4242 \
    PORTICO_DB=sqlite:/data/portico.db \
    PORTICO_LOG_FORMAT=json
EXPOSE 4242
ENTRYPOINT ["/usr/local/bin/portico"]
CMD ["serve"]
