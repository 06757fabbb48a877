# The Node image of the Docker interop suite: the local Python image plus this machine's `node`
# binary (it needs only libc and libstdc++, both in the base). docker/build-images.sh builds it.
ARG BASE_IMAGE=xmlrpc-ts-python:bookworm
FROM ${BASE_IMAGE}
COPY node /usr/local/bin/node
CMD ["node"]
