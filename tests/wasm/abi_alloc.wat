;; abi_alloc.wat — a cabi_realloc that misbehaves as the exported global
;; "mode" says (tests/test_abi.c): 0 allocates, 1 traps, 2 loops forever,
;; 3 returns a pointer near the end of memory, 4 waits on a host call.
(module
  (import "env" "wait" (func $wait (result i32)))
  (memory (export "memory") 1)
  (global $mode (export "mode") (mut i32) (i32.const 0))
  (global $heap (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ptr i32)
    (if (i32.eq (global.get $mode) (i32.const 1)) (then unreachable))
    (if (i32.eq (global.get $mode) (i32.const 2)) (then (loop $forever (br $forever))))
    (if (i32.eq (global.get $mode) (i32.const 3)) (then (return (i32.const 65530))))
    (if (i32.eq (global.get $mode) (i32.const 4)) (then (return (call $wait))))
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get 3)))
    (local.get $ptr))
  ;; first(s: string) -> u32: the first byte of s.
  (func (export "first") (param i32 i32) (result i32)
    (i32.load8_u (local.get 0))))
