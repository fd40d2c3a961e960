/**
 * The socket API of a running lab: newline-delimited JSON-RPC 2.0 on a Unix socket (and optionally
 * loopback TCP with a token). {@link dev.netloom.api.ApiServer} serves a {@link dev.netloom.lab.Lab};
 * the pipeline is framing, JSON ({@code JsonLineCodec}), then {@code RpcHandler}, which answers
 * requests through {@code Methods} on a {@link dev.netloom.api.LabOps} and can switch a connection
 * to raw console bytes ({@code ConsoleBridge}). {@link dev.netloom.api.ApiClient} is the blocking
 * client the CLI uses. The protocol is documented in docs/api.md.
 */
package dev.netloom.api;
