;; greet.wat — greet(name: string) -> string through the canonical ABI:
;; the host copies the name in with cabi_realloc and passes (ptr, len);
;; greet returns a pointer to [ptr, len] of "Hello, <name>!".
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 16) "Hello, ")

  ;; A bump allocator: aligns, grows memory when needed, copies the old
  ;; block on reallocation. Nothing is ever freed (a process is short-lived).
  (func $cabi_realloc (export "cabi_realloc")
        (param $old i32) (param $old_size i32) (param $align i32) (param $size i32)
        (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr
      (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
               (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq (memory.grow
                      (i32.shr_u (i32.add (i32.sub (local.get $end)
                                                   (i32.shl (memory.size) (i32.const 16)))
                                          (i32.const 65535))
                                 (i32.const 16)))
                    (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (if (local.get $old)
      (then (memory.copy (local.get $ptr) (local.get $old) (local.get $old_size))))
    (local.get $ptr))

  (func (export "greet") (param $name i32) (param $len i32) (result i32)
    (local $out i32) (local $total i32) (local $ret i32)
    (local.set $total (i32.add (local.get $len) (i32.const 8)))
    (local.set $out (call $cabi_realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $total)))
    (memory.copy (local.get $out) (i32.const 16) (i32.const 7))
    (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $name) (local.get $len))
    (i32.store8 (i32.add (i32.add (local.get $out) (i32.const 7)) (local.get $len)) (i32.const 33))
    (local.set $ret (call $cabi_realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
    (i32.store (local.get $ret) (local.get $out))
    (i32.store offset=4 (local.get $ret) (local.get $total))
    (local.get $ret)))
