;; multi_memory.wat — a module with three memories (multi-memory proposal;
;; the Makefile builds it with --enable-multi-memory), for
;; tests/test_multi_memory.c: every load and store width on memory 1,
;; memory.copy between memories, grow and size of each, fill and init on
;; memory 1, active data segments into two memories, and the same address
;; arithmetic on memory 0 (fused forms) and on memory 1 (NAME_MEM forms).
(module
  (memory $m0 (export "mem0") 1 4)
  (memory $m1 (export "mem1") 1 3)
  (memory $m2 (export "mem2") 0 2)

  (data (memory $m0) (i32.const 0) "zero")
  (data (memory $m1) (i32.const 16) "one!")
  (data $passive "passive bytes")

  ;; Every width on memory 1 (addresses with an offset of 1).
  (func (export "i32.load") (param i32) (result i32) (i32.load $m1 offset=1 (local.get 0)))
  (func (export "i64.load") (param i32) (result i64) (i64.load $m1 offset=1 (local.get 0)))
  (func (export "f32.load") (param i32) (result f32) (f32.load $m1 offset=1 (local.get 0)))
  (func (export "f64.load") (param i32) (result f64) (f64.load $m1 offset=1 (local.get 0)))
  (func (export "i32.load8_s") (param i32) (result i32) (i32.load8_s $m1 offset=1 (local.get 0)))
  (func (export "i32.load8_u") (param i32) (result i32) (i32.load8_u $m1 offset=1 (local.get 0)))
  (func (export "i32.load16_s") (param i32) (result i32) (i32.load16_s $m1 offset=1 (local.get 0)))
  (func (export "i32.load16_u") (param i32) (result i32) (i32.load16_u $m1 offset=1 (local.get 0)))
  (func (export "i64.load8_s") (param i32) (result i64) (i64.load8_s $m1 offset=1 (local.get 0)))
  (func (export "i64.load8_u") (param i32) (result i64) (i64.load8_u $m1 offset=1 (local.get 0)))
  (func (export "i64.load16_s") (param i32) (result i64) (i64.load16_s $m1 offset=1 (local.get 0)))
  (func (export "i64.load16_u") (param i32) (result i64) (i64.load16_u $m1 offset=1 (local.get 0)))
  (func (export "i64.load32_s") (param i32) (result i64) (i64.load32_s $m1 offset=1 (local.get 0)))
  (func (export "i64.load32_u") (param i32) (result i64) (i64.load32_u $m1 offset=1 (local.get 0)))
  (func (export "i32.store") (param i32 i32) (i32.store $m1 offset=1 (local.get 0) (local.get 1)))
  (func (export "i64.store") (param i32 i64) (i64.store $m1 offset=1 (local.get 0) (local.get 1)))
  (func (export "f32.store") (param i32 f32) (f32.store $m1 offset=1 (local.get 0) (local.get 1)))
  (func (export "f64.store") (param i32 f64) (f64.store $m1 offset=1 (local.get 0) (local.get 1)))
  (func (export "i32.store8") (param i32 i32) (i32.store8 $m1 offset=1 (local.get 0) (local.get 1)))
  (func (export "i32.store16") (param i32 i32) (i32.store16 $m1 offset=1 (local.get 0) (local.get 1)))
  (func (export "i64.store8") (param i32 i64) (i64.store8 $m1 offset=1 (local.get 0) (local.get 1)))
  (func (export "i64.store16") (param i32 i64) (i64.store16 $m1 offset=1 (local.get 0) (local.get 1)))
  (func (export "i64.store32") (param i32 i64) (i64.store32 $m1 offset=1 (local.get 0) (local.get 1)))

  ;; The same address arithmetic on memory 0 (folds into I32_LOAD_IDX)
  ;; and on memory 1 (an I32_ADD, then I32_LOAD_MEM).
  (func $load0_scaled (export "load0_scaled") (param $base i32) (param $i i32) (result i32)
    (i32.load $m0 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))))
  (func $load1_scaled (export "load1_scaled") (param $base i32) (param $i i32) (result i32)
    (i32.load $m1 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))))
  ;; A constant stored, and a loaded value added, on memory 1: no _IMM
  ;; store form, no _M operand form.
  (func $store1_constant (export "store1_constant") (param $p i32) (i64.store $m1 (local.get $p) (i64.const -2)))
  (func $add_loaded1 (export "add_loaded1") (param $p i32) (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.load $m1 (local.get $p))))
  ;; The same on memory 0: I64_STORE_IMM and I32_ADD_M.
  (func $store0_constant (export "store0_constant") (param $p i32) (i64.store $m0 (local.get $p) (i64.const -2)))
  (func $add_loaded0 (export "add_loaded0") (param $p i32) (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.load $m0 (local.get $p))))

  ;; Sizes, growth and the byte at an address of each memory.
  (func (export "size0") (result i32) (memory.size $m0))
  (func (export "size1") (result i32) (memory.size $m1))
  (func (export "size2") (result i32) (memory.size $m2))
  (func (export "grow0") (param i32) (result i32) (memory.grow $m0 (local.get 0)))
  (func (export "grow1") (param i32) (result i32) (memory.grow $m1 (local.get 0)))
  (func (export "grow2") (param i32) (result i32) (memory.grow $m2 (local.get 0)))
  (func (export "byte0") (param i32) (result i32) (i32.load8_u $m0 (local.get 0)))
  (func (export "byte1") (param i32) (result i32) (i32.load8_u $m1 (local.get 0)))
  (func (export "byte2") (param i32) (result i32) (i32.load8_u $m2 (local.get 0)))

  ;; In one function: memory 0 read, memory 1 grown, memory 0 read again
  ;; at the same address (memory 0's registers stay right); then memory 0
  ;; grown and its new last byte written and read back.
  (func (export "grow_between") (param $p i32) (result i32)
    (local $before i32)
    (local.set $before (i32.load $m0 (local.get $p)))
    (drop (memory.grow $m1 (i32.const 1)))
    (if (i32.ne (local.get $before) (i32.load $m0 (local.get $p)))
      (then (return (i32.const -1))))
    (drop (memory.grow $m0 (i32.const 1)))
    (i32.store8 $m0 (i32.sub (i32.mul (memory.size $m0) (i32.const 65536)) (i32.const 1))
                    (i32.const 0x5a))
    (i32.load8_u $m0 (i32.sub (i32.mul (memory.size $m0) (i32.const 65536)) (i32.const 1))))

  ;; Bulk memory across memories.
  (func (export "copy_1_to_0") (param i32 i32 i32) (memory.copy $m0 $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_0_to_1") (param i32 i32 i32) (memory.copy $m1 $m0 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_1_to_1") (param i32 i32 i32) (memory.copy $m1 $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_2_to_1") (param i32 i32 i32) (memory.copy $m1 $m2 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill1") (param i32 i32 i32) (memory.fill $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init1") (param i32 i32 i32) (memory.init $m1 $passive (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init2") (param i32 i32 i32) (memory.init $m2 $passive (local.get 0) (local.get 1) (local.get 2)))
)
