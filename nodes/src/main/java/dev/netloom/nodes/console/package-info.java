/**
 * A node's serial console: {@link dev.netloom.nodes.console.ConsoleSession} owns the connection
 * (transcript, rolling buffer with regex expectations, attached readers, one writer),
 * {@link dev.netloom.nodes.console.BootDetector} turns a {@link dev.netloom.nodes.console.BootSpec}
 * into "booted", and {@link dev.netloom.nodes.console.ShellSession} runs framed commands
 * ({@link dev.netloom.nodes.console.ExecFraming}) in the logged-in shell. Everything runs on the
 * console's Netty event loop; nothing blocks or polls.
 */
package dev.netloom.nodes.console;
