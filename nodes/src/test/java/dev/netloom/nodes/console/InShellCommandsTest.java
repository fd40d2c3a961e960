package dev.netloom.nodes.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which commands exec runs in the console's shell without a subshell. */
class InShellCommandsTest {

    @Test
    void runsInShell_takesOnlyOneSimpleCommandOfPlainWordsWhoseProgramCannotChangeTheShell() {
        for (String plain : new String[] {"true", "false", "echo a b", "pwd", "test -f /etc/hostname", "ip -4 addr add 10.0.0.1/24 dev eth0",
                "ping -c 3 -W 1 fd00::1", "dd if=/dev/zero of=/tmp/x bs=1k count=1", "/usr/sbin/tc qdisc show", "./run.sh", "sleep 30 "}) {
            assertThat(InShellCommands.runsInShell(plain)).as(plain).isTrue();
        }
        for (String changes : new String[] {"cd /tmp", "exit 3", "exec sh", "set -e", "read x", "trap x INT", "printf -v x y", "command cd /",
                ". /etc/profile", "source x", "umask 0", "ulimit -n 1", "unset PATH", "export A=1", "alias ls=x", "shift", "return",
                "break", "kill 0", "wait", "hash -r", "coproc sleep 1", "time sleep 1", "logout", "typeset a", "local a", "getopts a b",
                "A=1", "A=1 ip link", "f() true", "echo $A", "echo `id`", "echo ~", "echo *", "echo a?", "echo [a]", "echo {a,b}",
                "echo 'a'", "echo \"a\"", "echo a\\b", "true; cd /", "true && exit", "true | cat", "sleep 1 &", "echo >/tmp/x",
                "echo <x", "echo a # b", " true", "! true", "(true)", "{ true; }", "", "echo\ta"}) {
            assertThat(InShellCommands.runsInShell(changes)).as(changes).isFalse();
        }
    }
}
