#!/bin/sh
# netloom, installed from the Debian package: runs the jar in /usr/share/netloom with Debian's Java.
# netloom.home tells netloom where its image recipes and scenarios are (dev.netloom.nodes.Install).
exec java -Dnetloom.home=/usr/share/netloom -Dnetloom.command=netloom -jar /usr/share/netloom/netloom.jar "$@"
