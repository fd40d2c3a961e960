/**
 * The socket API of a running lab: newline-delimited JSON-RPC 2.0 on a Unix socket (and optionally
 * loopback TCP with a token). {@link dev.netloom.api.ApiServer} serves a {@link dev.netloom.lab.Lab};
 * the pipeline ({@code ApiChannelInitializer}) is the outbound cap ({@code OutboundCap}), framing,
 * JSON ({@code JsonLineCodec}), on TCP the {@code AuthGate}, then {@code RpcHandler}, which answers
 * requests through {@code Methods} on a {@link dev.netloom.api.LabOps} and can switch a connection
 * to raw console bytes ({@code ConsoleBridge}). {@code ApiLimits} holds every bound on what one
 * client may make the server hold; {@code OwnerOnlyFiles} creates the socket and token file with
 * their final modes. {@link dev.netloom.api.ApiClient} is the blocking client the CLI uses. The
 * protocol and its limits are documented in docs/api.md.
 */
package dev.netloom.api;
