# cluebot: a static binary on a distroless base, running as a non-root user.
# docker build -t cluebot . && docker run -v $PWD/etc:/etc/cluebot -v cluebot-data:/var/lib/cluebot cluebot
FROM golang:1.26 AS build
# go.mod names the toolchain (go1.26.10); the image defaults to its own.
ENV GOTOOLCHAIN=auto
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/cluebot ./cmd/cluebot

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
