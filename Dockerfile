# syntax=docker/dockerfile:1
# Build: bundle the TypeScript with the development dependencies (esbuild).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters
COPY jobs ./jobs
COPY migrations ./migrations
COPY playground ./playground
RUN npm run build

# Run: production dependencies and the compiled JavaScript only, as an unprivileged user.
FROM node:20-slim
ENV NODE_ENV=production PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin/stackup.js bin/build-state.js ./bin/
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Every role, the worker too, serves /healthz on PORT; compose.yaml turns this off for migrate only.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--enable-source-maps", "dist/bin/main.js"]
CMD ["start", "--role", "web"]
