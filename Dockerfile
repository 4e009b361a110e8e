# cluebot: a static binary on a distroless base, running as a non-root user.
# docker build -t cluebot . && docker run -v $PWD/etc:/etc/cluebot -v cluebot-data:/var/lib/cluebot cluebot
FROM golang:1.26 AS build
# go.mod names the toolchain (go1.26.10); the image defaults to its own.
ENV GOTOOLCHAIN=auto
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .git stays out of the context: name the build for `cluebot version` with
# --build-arg VERSION=$(git describe --always --dirty) --build-arg COMMIT=$(git rev-parse HEAD)
ARG VERSION=""
ARG COMMIT=""
RUN CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X github.com/cluebot/cluebot/version.Version=${VERSION} -X github.com/cluebot/cluebot/version.Commit=${COMMIT}" \
    -o /out/cluebot ./cmd/cluebot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cluebot /usr/local/bin/cluebot
COPY --from=build /src/rules.yaml /etc/cluebot/rules.yaml
USER nonroot:nonroot
WORKDIR /var/lib/cluebot
VOLUME ["/var/lib/cluebot"]
EXPOSE 9100
ENV CLUEBOT_CONFIG=/etc/cluebot/cluebot.yaml
ENTRYPOINT ["/usr/local/bin/cluebot"]
CMD ["run"]
