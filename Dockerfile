FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters
COPY policies ./policies
COPY config ./config
ENV NODE_ENV=production
# Inside a container the server must listen on every interface; the config's host is for laptops.
ENV REGLAMENT_HOST=0.0.0.0
EXPOSE 8080
USER node
ENTRYPOINT ["node", "bin/reglament.js"]
CMD ["serve"]
