#!/usr/bin/perl
# A stand-in for QEMU on a lab's taps, for FabricE2ETest: attaches to taps (as QEMU does, so they
# have a carrier), writes the frames it is told to, and reports every frame a tap delivers; it can
# also capture on a device (a packet socket, as tcpdump opens one). Run inside the lab's namespace:
#   ip netns exec nl-LAB perl tapio.pl tap:t0x0 tap:t1x0 cap:t1x0 ...
# stdin:  "send I HEX" (write a frame to the I-th tap argument), "ping ID" (answered "pong ID" once
#         every earlier line is done), "end"
# stdout: "ready", "recv I HEX" (tap argument I delivered a frame), "cap I in|out HEX" (argument I
#         captured a frame the device received or sent), "error I MESSAGE" (a write to argument I
#         failed, as it does on a tap that is down), "pong ID"
# Only perl-base (Essential in Debian) is needed.
use strict;
use warnings;
use Socket;

my $TUNSETIFF = 0x400454ca;
my $IFF_TAP = 0x0002;
my $IFF_NO_PI = 0x1000;
my $AF_PACKET = 17;
my $ETH_P_ALL = 3;
my $PACKET_OUTGOING = 4;

$| = 1;
my @fh;
my @kind;
for my $arg (@ARGV) {
    my ($kind, $dev) = split /:/, $arg, 2;
    my $fh;
    if ($kind eq 'tap') {
        open($fh, '+<', '/dev/net/tun') or die "open /dev/net/tun: $!";
        ioctl($fh, $TUNSETIFF, pack('a16 s x22', $dev, $IFF_TAP | $IFF_NO_PI)) or die "TUNSETIFF $dev: $!";
    } elsif ($kind eq 'cap') {
        socket($fh, $AF_PACKET, SOCK_RAW, unpack('v', pack('n', $ETH_P_ALL))) or die "packet socket: $!";
        open(my $idx, '<', "/sys/class/net/$dev/ifindex") or die "no device $dev: $!";
        my $ifindex = <$idx>;
        close $idx;
        bind($fh, pack('S n i S C C a8', $AF_PACKET, $ETH_P_ALL, $ifindex, 0, 0, 0, '')) or die "bind $dev: $!";
    } else {
        die "unknown argument $arg (tap:DEV or cap:DEV)";
    }
    push @fh, $fh;
    push @kind, $kind;
}
print "ready\n";

my $in = '';
my $stdin = '';
vec($stdin, fileno(STDIN), 1) = 1;
for my $fh (@fh) {
    vec($stdin, fileno($fh), 1) = 1;
}
while (1) {
    my $ready = $stdin;
    select($ready, undef, undef, undef) > 0 or next;
    for my $i (0 .. $#fh) {
        next unless vec($ready, fileno($fh[$i]), 1);
        if ($kind[$i] eq 'tap') {
            my $n = sysread($fh[$i], my $frame, 65536);
            print "recv $i ", unpack('H*', $frame), "\n" if $n;
        } else {
            my $from = recv($fh[$i], my $frame, 65536, 0);
            next unless defined $from;
            my (undef, undef, undef, undef, $pkttype) = unpack('S n i S C', $from);
            print "cap $i ", ($pkttype == $PACKET_OUTGOING ? 'out' : 'in'), ' ', unpack('H*', $frame), "\n";
        }
    }
    if (vec($ready, fileno(STDIN), 1)) {
        my $n = sysread(STDIN, $in, 65536, length $in);
        exit 0 unless $n;
        while ($in =~ s/^([^\n]*)\n//) {
            my @w = split ' ', $1;
            next unless @w;
            if ($w[0] eq 'send') {
                my $frame = pack('H*', $w[2]);
                my $n = syswrite($fh[$w[1]], $frame);
                print "error $w[1] $!\n" unless defined $n && $n == length $frame;
            } elsif ($w[0] eq 'ping') {
                print "pong $w[1]\n";
            } elsif ($w[0] eq 'end') {
                exit 0;
            }
        }
    }
}
