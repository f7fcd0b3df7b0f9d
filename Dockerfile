FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Without scripts, so that `prepare` (the build) does not run before the sources are here;
# re2's install script is then run alone: it fetches or compiles its native binding, which
# the runtime stage takes with node_modules (same base image, same Node ABI).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
RUN npm ci --ignore-scripts && npm rebuild re2
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY policies ./policies
# The dev dependencies (TypeScript, tsx, esbuild) go once dist/ is compiled: the image runs dist/ only.
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Inside a container the server must listen on every interface and on the port EXPOSE names,
# whatever the mounted configuration says: these two win over server.host and server.port.
ENV REGLAMENT_HOST=0.0.0.0
ENV REGLAMENT_PORT=8080
# A heap limit sized for the bridge: V8 collects at ~1.3× the live heap instead of 3–4× (README, Memory).
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=4"
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Read at run time beside the compiled code: the packs, the production calendars, the example config.
COPY policies/packs ./policies/packs
COPY src/calendar/production ./src/calendar/production
COPY config ./config
COPY bin/reglament-image /usr/local/bin/reglament
# Without history.url the embedded history store lives here (mount a volume on it to keep it).
RUN mkdir -p /app/var/history && chown -R node:node /app/var
VOLUME ["/app/var/history"]
EXPOSE 8080
USER node
ENTRYPOINT ["reglament"]
CMD ["serve"]
