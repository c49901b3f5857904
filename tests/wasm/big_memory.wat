;; big_memory.wat — a module whose memory needs 10 pages to start with.
(module (memory 10))
