"""The report flow: the modal, the case record, the desk message and the reporter's confirmation."""
