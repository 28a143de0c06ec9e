#pragma once

#include <QHostAddress>
#include <QString>

/// Creates a bound, listening, non-blocking TCP socket. With \a reusePort (Linux) several
/// sockets can share the port and the kernel spreads connections across them.
/// Returns the descriptor, or -1 with \a error set. \a port 0 picks a free port.
qintptr createListeningSocket(const QHostAddress &address, quint16 port, bool reusePort,
                              QString *error);
/// The port a listening descriptor is bound to.
quint16 boundPort(qintptr descriptor);
void closeDescriptor(qintptr descriptor);
