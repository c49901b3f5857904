;; multi_memory_imports.wat — two imported memories and a defined one
;; (multi-memory proposal; built with --enable-multi-memory), for
;; tests/test_multi_memory.c: the embedder's memories seen through both
;; indices, growth through either, copies between them, and a host
;; function reading the caller's memory 1.
(module
  (import "env" "a" (memory $a 1 4))
  (import "env" "b" (memory $b 1 4))
  (import "env" "peek" (func $peek (param i32) (result i32)))
  (memory $c (export "c") 1)

  (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
  (func (export "load_b") (param i32) (result i32) (i32.load $b (local.get 0)))
  (func (export "store_a") (param i32 i32) (i32.store $a (local.get 0) (local.get 1)))
  (func (export "store_b") (param i32 i32) (i32.store $b (local.get 0) (local.get 1)))
  (func (export "size_a") (result i32) (memory.size $a))
  (func (export "size_b") (result i32) (memory.size $b))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "copy_b_to_a") (param i32 i32 i32) (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_a_to_c") (param i32 i32 i32) (memory.copy $c $a (local.get 0) (local.get 1) (local.get 2)))

  ;; Grows memory 1 by one page and reads memory 0 at p in the same
  ;; function: when both imports are one memory, the read must see the
  ;; new page.
  (func (export "grow_b_load_a") (param $p i32) (result i32)
    (drop (memory.grow $b (i32.const 1)))
    (i32.load $a (local.get $p)))

  ;; The host's view of memory 1 through vm_caller_memory.
  (func (export "peek_b") (param i32) (result i32) (call $peek (local.get 0)))
)
