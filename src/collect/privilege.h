/* The two capabilities a setcap'd portview holds to read other users'
 * /proc/PID/fd (CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE): kept permitted but
 * not effective, and raised only on the thread that reads /proc, for as
 * long as it reads. Everything else (settings files, the terminal,
 * /etc/services, name look-ups) runs with the user's own rights. Root
 * started without file capabilities is left as it is. */
#ifndef PV_PRIVILEGE_H
#define PV_PRIVILEGE_H

#include <stdbool.h>

/* Before any thread starts: drops every capability but the two from the
 * permitted set and all from the effective and inheritable sets, so that
 * threads made later start without them. Returns -1 (errno set) when the
 * kernel refuses. */
int privilege_init(void);

/* Raises the two on the calling thread when they are permitted; threads
 * it creates meanwhile inherit them. privilege_lower drops them again. */
void privilege_raise(void);
void privilege_lower(void);

/* True when this process may load a BPF program: CAP_BPF or CAP_SYS_ADMIN
 * effective (root has both). A setcap'd portview never may: init dropped
 * all but the two above. */
bool privilege_may_load_bpf(void);

/* True when this process may enter other network namespaces (setns
 * needs CAP_SYS_ADMIN, which root has and a setcap'd portview never
 * keeps). */
bool privilege_may_enter_netns(void);

#endif
