#!/bin/sh
# netloom: runs inside the new rootfs (chroot) after the files are copied in
set -e
# services that wait for a network, a clock or a human stall a lab node's boot: off
for unit in systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer man-db.timer \
            e2scrub_all.timer e2scrub_reap.service fstrim.timer dpkg-db-backup.timer systemd-timesyncd.service \
            getty@tty1.service serial-getty@ttyS0.service; do
    systemctl mask "$unit" >/dev/null 2>&1 || true
done
systemctl enable netloom-hostname.service netloom-heartbeat.service netloom-boot-complete.service netloom-console.service \
    netloom-human-console.service
# the serial console is the only terminal: no MOTD, no "last login" lines before the prompt
touch /root/.hushlogin
# each node makes its own machine id at first boot (on its own overlay); an empty file is not "first boot"
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id
# the hostname comes from the kernel command line at boot
echo debian > /etc/hostname
# a small initramfs with the virtio disk driver (see /etc/initramfs-tools/conf.d/netloom)
update-initramfs -u -k all
