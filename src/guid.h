/* New random GUIDs, as Azure names role assignments. */
#ifndef MT_GUID_H
#define MT_GUID_H

/* A version 4 GUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") from the
 * system's random source; owned by the caller. */
char *guid_new(void);

#endif
