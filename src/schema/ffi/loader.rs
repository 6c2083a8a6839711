//! The embedded schemas, the process-wide entity loader that serves them (and refuses
//! everything else) during the crate's own libxml2 work, and the per-thread compiled
//! schemas with their validation contexts.
//!
//! libxml2 keeps one external entity loader per process. Ours is installed once and hands
//! every load outside the crate's own work (a host process's own libxml2 use, on any thread)
//! to the loader that was installed before it, so linking this crate does not change what
//! the host's parses and schemas can load. Inside our own work ([`OwnWork`]: parsing,
//! compiling, validating) it serves our schemas from memory and refuses every other URL.

use super::dom::{Doc, Node};
use crate::contract::Contract;
use crate::schema::versions::{file_name, Role};
use libxml::bindings as b;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::{Once, OnceLock};

/// Every XSD the tool uses, by the file name the `xs:import`s name them with. Each text
/// carries a trailing NUL: libxml2 2.9 reads a static memory buffer up to a NUL terminator,
/// not only up to its length.
const EMBEDDED: [(&str, &str); 5] = [
    (
        "services85.xsd",
        concat!(include_str!("../../../schemas/services85.xsd"), "\0"),
    ),
    (
        "serialization.xsd",
        concat!(include_str!("../../../schemas/serialization.xsd"), "\0"),
    ),
    (
        "soap11-envelope.xsd",
        concat!(include_str!("../../../schemas/soap11-envelope.xsd"), "\0"),
    ),
    (
        "soap12-envelope.xsd",
        concat!(include_str!("../../../schemas/soap12-envelope.xsd"), "\0"),
    ),
    (
        "xml.xsd",
        concat!(include_str!("../../../schemas/xml.xsd"), "\0"),
    ),
];

fn without_nul(s: &'static str) -> &'static str {
    s.strip_suffix('\0').unwrap_or(s)
}

/// The embedded schemas: (file name, text).
pub fn schemas() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED.iter().map(|(n, t)| (*n, without_nul(t)))
}

/// The embedded schema a URL names: its last path segment matched against our file names.
/// The text returned ends with a NUL (not counted by libxml2).
fn embedded(url: &str) -> Option<(&'static str, &'static str)> {
    let last = url.rsplit(['/', '\\']).next().unwrap_or(url);
    EMBEDDED
        .iter()
        .copied()
        .find(|(name, _)| *name == last)
        .or_else(|| crate::schema::versions::generated(last))
}

thread_local! {
    /// How many [`OwnWork`] guards are alive on this thread.
    static OWN_WORK: Cell<usize> = const { Cell::new(0) };
}

/// Marks the calling thread as doing the crate's own libxml2 work while it lives: loads
/// are then served by [`embedded`] or refused, never passed on, and the thread's generic
/// (printf-style) error channel is silenced; the outermost guard puts back the channel the
/// thread had before.
pub struct OwnWork {
    /// The thread's generic error handler and its context, saved by the outermost guard.
    /// (The raw pointer also keeps the guard on the thread whose state it changed.)
    saved: Option<(b::xmlGenericErrorFunc, *mut c_void)>,
}

impl OwnWork {
    pub fn enter() -> OwnWork {
        let depth = OWN_WORK.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        let saved = (depth == 1).then(|| {
            // SAFETY: libxml2's per-thread globals of this thread, read before ours is set.
            let saved = unsafe { (*b::__xmlGenericError(), *b::__xmlGenericErrorContext()) };
            silence_thread();
            saved
        });
        OwnWork { saved }
    }
}

impl Drop for OwnWork {
    fn drop(&mut self) {
        if let Some((handler, context)) = self.saved.take() {
            // SAFETY: this thread's own globals (the guard cannot leave its thread), given
            // back the values read from them on entry.
            unsafe {
                *b::__xmlGenericError() = handler;
                *b::__xmlGenericErrorContext() = context;
            }
        }
        OWN_WORK.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Whether this thread is inside the crate's own libxml2 work (strict when the thread's
/// state is already gone).
fn own_work() -> bool {
    OWN_WORK.try_with(|c| c.get() > 0).unwrap_or(true)
}

/// The loader libxml2 had before ours.
static PREVIOUS: OnceLock<b::xmlExternalEntityLoader> = OnceLock::new();

/// Outside our own work: the loader that was there before, exactly as if ours were not
/// installed. Inside: our schemas from memory, and every other URL (DTDs, external
/// entities, imports of anything else, `xsi:schemaLocation` targets) refused: no file, no
/// network, ever.
unsafe extern "C" fn entity_loader(
    url: *const c_char,
    id: *const c_char,
    ctxt: b::xmlParserCtxtPtr,
) -> b::xmlParserInputPtr {
    if !own_work() {
        return match PREVIOUS.get().copied().flatten() {
            // SAFETY: the loader libxml2 had installed before ours, called with the very
            // arguments libxml2 handed us.
            Some(previous) => unsafe { previous(url, id, ctxt) },
            None => std::ptr::null_mut(),
        };
    }
    if url.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: libxml2 hands a NUL-terminated URL.
    let url = unsafe { CStr::from_ptr(url) }.to_string_lossy();
    let Some((name, text)) = embedded(&url) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `text` is 'static and NUL-terminated; libxml2 copies it into its own buffer.
    unsafe {
        let input = b::xmlNewStringInputStream(ctxt, text.as_ptr());
        if input.is_null() {
            return std::ptr::null_mut();
        }
        if (*input).filename.is_null() {
            // The name is the base for the schema's own relative imports.
            if let Ok(c) = CString::new(name) {
                (*input).filename = b::xmlStrdup(c.as_ptr().cast()).cast();
            }
        }
        input
    }
}

/// Installs the entity loader once for the process (libxml2 keeps it in a global).
pub fn install_loader() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        libxml::init_parser();
        // SAFETY: reads and sets libxml2's global loader (a plain function pointer with the
        // loader's signature); `PREVIOUS` is set before ours can be called.
        unsafe {
            let _ = PREVIOUS.set(b::xmlGetExternalEntityLoader());
            b::xmlSetExternalEntityLoader(Some(entity_loader));
        }
        // libxml2 2.9 builds its table of built-in XSD types lazily and unlocked on the
        // first schema compile; threads compiling at once could race on it. Build it here,
        // once, before any thread compiles (hardening: see the derived-xsi:type test in
        // tests/props.rs for the intermittent verdict that prompted it).
        // SAFETY: no arguments; runs before any thread compiles a schema.
        unsafe { b::xmlSchemaInitTypes() };
    });
}

/// A no-op for libxml2's generic (printf-style) error channel, which otherwise writes to
/// stderr. Declared without the variadic tail: the callee never reads the extra arguments,
/// and every C ABI we build for passes the first two arguments the same way either way.
unsafe extern "C" fn silent_generic(_ctx: *mut c_void, _msg: *const c_char) {}

/// Silences the calling thread's generic error channel (libxml2 keeps it per thread).
fn silence_thread() {
    type Fixed = unsafe extern "C" fn(*mut c_void, *const c_char);
    type Variadic = unsafe extern "C" fn(*mut c_void, *const c_char, ...);
    // SAFETY: see `silent_generic`; the pointer is only ever called by libxml2.
    unsafe {
        let f: Variadic = std::mem::transmute::<Fixed, Variadic>(silent_generic);
        b::xmlSetGenericErrorFunc(std::ptr::null_mut(), Some(f));
    }
}

/// One error libxml2 reported, copied out of its `xmlError`; its node is still a pointer.
#[derive(Debug, Clone)]
struct RawError {
    code: i32,
    level: u32,
    message: String,
    line: i32,
    node: b::xmlNodePtr,
}

/// One schema-validation error, with the element it is about.
#[derive(Debug, Clone)]
pub struct SchemaError<'doc> {
    /// libxml2's error code (`xmlParserErrors`).
    pub code: i32,
    /// A warning rather than an error.
    pub warning: bool,
    /// libxml2's words, trimmed.
    pub message: String,
    /// libxml2's line (0 or less: none).
    pub line: i32,
    /// The element (for an attribute's error: its element); `None` when the error names no
    /// element of the document.
    pub node: Option<Node<'doc>>,
}

impl RawError {
    /// Ties the error's node to the document it belongs to.
    ///
    /// # Safety
    /// `self.node` must be null or a node or attribute that is alive for `'doc` (the node
    /// of an error reported while validating `doc`, which the caller borrows for `'doc`).
    unsafe fn resolve(self, doc: &Doc) -> SchemaError<'_> {
        SchemaError {
            code: self.code,
            warning: self.level == b::xmlErrorLevel_XML_ERR_WARNING,
            message: self.message,
            line: self.line,
            // SAFETY: the caller's promise.
            node: unsafe { doc.node_of_error(self.node) },
        }
    }
}

/// The error code libxml2 reports for a nil element that is not nillable.
pub const NOT_NILLABLE: i32 = b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_3_1 as i32;
/// A nil element with content.
pub const NIL_WITH_CONTENT: i32 = b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_3_2_1 as i32;
/// The range of the xsi:type errors (cvc-elt.4.1 to 4.3).
pub const XSI_TYPE: std::ops::RangeInclusive<i32> = b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_4_1
    as i32
    ..=b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_4_3 as i32;
/// The attribute errors: an attribute on an element of simple type (cvc-type.3.1.1), one
/// a complex type does not allow or its wildcard does not match (cvc-complex-type.3.2.1,
/// 3.2.2), a required one missing (cvc-complex-type.4).
pub const ATTRIBUTE: [i32; 4] = [
    b::xmlParserErrors_XML_SCHEMAV_CVC_TYPE_3_1_1 as i32,
    b::xmlParserErrors_XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1 as i32,
    b::xmlParserErrors_XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2 as i32,
    b::xmlParserErrors_XML_SCHEMAV_CVC_COMPLEX_TYPE_4 as i32,
];
/// No declaration for an element (cvc-elt.1).
pub const NOT_DECLARED: i32 = b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_1 as i32;

pub use crate::text::limits::MAX_LIBXML_ERRORS as MAX_ERRORS;

/// Structured handler: appends to the `Vec<RawError>` at `data`.
unsafe extern "C" fn collect(data: *mut c_void, error: b::xmlErrorPtr) {
    if data.is_null() || error.is_null() {
        return;
    }
    // SAFETY: `data` is the Vec installed by `collect_into`, alive for the call.
    let out = unsafe { &mut *(data as *mut Vec<RawError>) };
    if out.len() >= MAX_ERRORS {
        return;
    }
    let e = unsafe { &*error };
    let message = if e.message.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(e.message) }
            .to_string_lossy()
            .trim()
            .to_string()
    };
    out.push(RawError {
        code: e.code,
        level: e.level,
        message,
        line: e.line,
        node: e.node.cast(),
    });
}

/// A compiled schema and a validation context for it, owned by one thread.
pub struct Compiled {
    schema: b::xmlSchemaPtr,
    vctxt: b::xmlSchemaValidCtxtPtr,
}

// Mutation testing: emptying `drop` is equivalent but for memory (the two are leaked, and
// nothing else changes); no test measures the process's memory.
impl Drop for Compiled {
    fn drop(&mut self) {
        // SAFETY: both were created by `compile` and are freed once, context first.
        unsafe {
            b::xmlSchemaFreeValidCtxt(self.vctxt);
            b::xmlSchemaFree(self.schema);
        }
    }
}

impl Compiled {
    /// Validates a whole document; returns the errors libxml2 reported.
    pub fn validate_doc<'doc>(&self, doc: &'doc Doc) -> Vec<SchemaError<'doc>> {
        // SAFETY: `doc` is a live document, borrowed for the whole call.
        let raw = self.collecting(|ctxt| unsafe { b::xmlSchemaValidateDoc(ctxt, doc.ptr()) });
        raw.into_iter()
            // SAFETY: the errors' nodes are nodes of `doc`, which stays borrowed for 'doc.
            .map(|e| unsafe { e.resolve(doc) })
            .collect()
    }

    /// Validates one element (and its subtree) against the schema's global declarations.
    pub fn validate_element<'doc>(
        &self,
        doc: &'doc Doc,
        node: Node<'doc>,
    ) -> Vec<SchemaError<'doc>> {
        // SAFETY: `node` is a live element of the live `doc`, borrowed for the whole call.
        let raw =
            self.collecting(|ctxt| unsafe { b::xmlSchemaValidateOneElement(ctxt, node.ptr()) });
        raw.into_iter()
            // SAFETY: the errors' nodes are nodes of `doc`, which stays borrowed for 'doc.
            .map(|e| unsafe { e.resolve(doc) })
            .collect()
    }

    /// Runs one validation with this context's structured errors collected (and the
    /// collector detached again before the vector goes away).
    fn collecting(&self, run: impl FnOnce(*mut b::_xmlSchemaValidCtxt) -> i32) -> Vec<RawError> {
        let mut errors: Vec<RawError> = Vec::new();
        let _own = OwnWork::enter();
        // SAFETY: the collector points at `errors`, which outlives the call; it is detached
        // before `errors` is returned.
        unsafe {
            b::xmlSchemaSetValidStructuredErrors(
                self.vctxt,
                Some(collect),
                &mut errors as *mut Vec<RawError> as *mut c_void,
            );
            // The return code adds nothing to the errors collected.
            let _ = run(self.vctxt);
            b::xmlSchemaSetValidStructuredErrors(self.vctxt, None, std::ptr::null_mut());
        }
        errors
    }
}

/// Why an embedded schema could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error("the embedded schema {name} did not compile: {words}")]
    Failed { name: String, words: String },
    #[error("no validation context for {0}")]
    NoContext(String),
    #[error("the schema name {0:?} holds a NUL character")]
    Name(String),
}

/// Compiles one of our schemas by name. Warnings count as errors: libxml2 reports a failed
/// `xs:import` only as a warning, and a schema missing its imports must not pass as compiled.
pub fn compile(name: &str) -> Result<Compiled, CompileError> {
    install_loader();
    let url = CString::new(name).map_err(|_| CompileError::Name(name.to_string()))?;
    let _own = OwnWork::enter();
    let mut errors: Vec<RawError> = Vec::new();
    let data = &mut errors as *mut Vec<RawError> as *mut c_void;
    // SAFETY: every pointer is checked; the collector outlives the parser context, and the
    // thread's structured handler is restored before `errors` goes.
    unsafe {
        let saved_handler = *b::__xmlStructuredError();
        let saved_data = *b::__xmlStructuredErrorContext();
        b::xmlSetStructuredErrorFunc(data, Some(collect));
        let pctxt = b::xmlSchemaNewParserCtxt(url.as_ptr());
        let schema = if pctxt.is_null() {
            std::ptr::null_mut()
        } else {
            b::xmlSchemaSetParserStructuredErrors(pctxt, Some(collect), data);
            let s = b::xmlSchemaParse(pctxt);
            b::xmlSchemaFreeParserCtxt(pctxt);
            s
        };
        b::xmlSetStructuredErrorFunc(saved_data, saved_handler);
        if schema.is_null() || !errors.is_empty() {
            // libxml2's xmlSchemaFree takes NULL (it returns at once).
            b::xmlSchemaFree(schema);
            let words: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
            return Err(CompileError::Failed {
                name: name.to_string(),
                words: if words.is_empty() {
                    "no diagnostic".to_string()
                } else {
                    words.join("; ")
                },
            });
        }
        let vctxt = b::xmlSchemaNewValidCtxt(schema);
        if vctxt.is_null() {
            b::xmlSchemaFree(schema);
            return Err(CompileError::NoContext(name.to_string()));
        }
        Ok(Compiled { schema, vctxt })
    }
}

/// Whether `value` is a valid lexeme of the XSD built-in type `ty` (`"int"`, `"dateTime"`,
/// ...), by libxml2's own check; false for a type it does not know or text holding NUL.
pub fn is_valid_builtin(ty: &str, value: &str) -> bool {
    let (Ok(ty), Ok(xsd), Ok(v)) = (
        CString::new(ty),
        CString::new(crate::contract::NS_XSD),
        CString::new(value),
    ) else {
        return false;
    };
    let _own = OwnWork::enter();
    // SAFETY: three NUL-terminated strings alive for the call; a built-in type is a static
    // of libxml2 (never freed), and no value is returned through the null pointer.
    unsafe {
        let t = b::xmlSchemaGetPredefinedType(ty.as_ptr().cast(), xsd.as_ptr().cast());
        !t.is_null()
            && b::xmlSchemaValidatePredefinedType(t, v.as_ptr().cast(), std::ptr::null_mut()) == 0
    }
}

/// Whether libxml2's URI parser (`xmlParseURI`, which its XML parser runs on every
/// namespace name, refusing the document when it fails) reads `value`.
pub fn is_valid_uri(value: &str) -> bool {
    let Ok(v) = CString::new(value) else {
        return false;
    };
    let _own = OwnWork::enter();
    // SAFETY: a NUL-terminated string alive for the call; the parsed URI, when there is
    // one, is ours and freed here, once.
    unsafe {
        let uri = b::xmlParseURI(v.as_ptr().cast());
        if uri.is_null() {
            return false;
        }
        b::xmlFreeURI(uri);
        true
    }
}

/// The envelope schemas of this thread, per contract version and SOAP version, each
/// compiled on first use and reused.
#[derive(Default)]
struct ThreadSchemas {
    compiled: HashMap<(Contract, bool), Result<Compiled, CompileError>>,
}

thread_local! {
    static SCHEMAS_OF_THREAD: RefCell<ThreadSchemas> = RefCell::new(ThreadSchemas::default());
}

/// Runs `f` with this thread's compiled envelope schema for SOAP 1.1 (`v12 == false`) or
/// 1.2 of the contract version `contract`.
pub fn with_schema<R>(
    contract: Contract,
    v12: bool,
    f: impl FnOnce(Result<&Compiled, &CompileError>) -> R,
) -> R {
    SCHEMAS_OF_THREAD.with(|cell| {
        let mut guard = cell.borrow_mut();
        let role = if v12 { Role::Soap12 } else { Role::Soap11 };
        let compiled = guard
            .compiled
            .entry((contract, v12))
            .or_insert_with(|| compile(&file_name(contract, role)));
        match compiled {
            Ok(c) => f(Ok(c)),
            Err(e) => f(Err(e)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text` with libxml2's own reader and `options`' network setting, loading the
    /// external DTD (which `validate` never lets through) to give it a URL to open.
    fn read_loading_the_dtd(text: &str, no_net: bool) {
        let mut flags = b::xmlParserOption_XML_PARSE_DTDLOAD
            | b::xmlParserOption_XML_PARSE_NOERROR
            | b::xmlParserOption_XML_PARSE_NOWARNING;
        if no_net {
            flags |= b::xmlParserOption_XML_PARSE_NONET;
        }
        let flags = i32::try_from(flags).unwrap();
        let len = i32::try_from(text.len()).unwrap();
        // SAFETY: the buffer lives across the call; a returned document is freed at once.
        unsafe {
            let d = b::xmlReadMemory(
                text.as_ptr().cast(),
                len,
                std::ptr::null(),
                std::ptr::null(),
                flags,
            );
            if !d.is_null() {
                b::xmlFreeDoc(d);
            }
        }
    }

    #[test]
    fn parse_options_keep_libxml2_off_the_network() {
        use std::net::TcpListener;
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::Arc;
        install_loader();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let (count, stop) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (c, s) = (Arc::clone(&count), Arc::clone(&stop));
        // Counts connections and closes each at once, so a fetch fails fast.
        let acceptor = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok(_) => {
                        c.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                }
            }
        });
        let text = format!("<!DOCTYPE a SYSTEM \"http://127.0.0.1:{port}/x.dtd\"><a/>");
        // Outside our own work: the loader that was there before (libxml2's) decides.
        read_loading_the_dtd(&text, crate::schema::parse_options().no_net);
        let with_options = count.load(Ordering::SeqCst);
        read_loading_the_dtd(&text, false);
        std::thread::sleep(std::time::Duration::from_millis(50));
        let without = count.load(Ordering::SeqCst);
        stop.store(true, Ordering::SeqCst);
        acceptor.join().unwrap();
        assert_eq!(
            with_options, 0,
            "parse_options let libxml2 open a network URL"
        );
        assert!(
            without > 0,
            "the control: without no_net libxml2 fetches the DTD"
        );
    }

    /// The URI check is libxml2's own: a namespace name it reads passes, one it refuses
    /// (a space, a broken escape, a NUL) does not.
    #[test]
    fn uris_are_read_as_libxml2_reads_them() {
        for ok in [
            "http://www.superoffice.net/ws/crm/NetServer/Services85",
            "urn:x",
            "a",
        ] {
            assert!(is_valid_uri(ok), "{ok}");
        }
        for bad in ["http://a b/", "http://a/%zz", "x\0y"] {
            assert!(!is_valid_uri(bad), "{bad:?}");
        }
    }

    #[test]
    fn loader_serves_only_our_schemas() {
        install_loader();
        let _own = OwnWork::enter();
        let ask = |url: &str| {
            let c = CString::new(url).unwrap();
            // SAFETY: a NULL parser context is allowed; a returned input is freed at once.
            unsafe {
                let input = entity_loader(c.as_ptr(), std::ptr::null(), std::ptr::null_mut());
                let served = !input.is_null();
                if served {
                    b::xmlFreeInputStream(input);
                }
                served
            }
        };
        assert!(ask("services85.xsd"));
        assert!(ask("http://example.invalid/some/dir/soap11-envelope.xsd"));
        assert!(!ask("file:///etc/passwd"));
        assert!(!ask("http://127.0.0.1/evil.xsd"));
        assert!(!ask("services85.xsd.bak"));
        assert!(!ask(""));
    }

    #[test]
    fn both_envelope_schemas_compile_without_warnings() {
        assert!(compile("soap11-envelope.xsd").is_ok());
        assert!(compile("soap12-envelope.xsd").is_ok());
        let err = compile("nope.xsd")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("nope.xsd"), "{err}");
    }

    /// Loads `url` through libxml2's current loader (ours, once installed) the way a parse
    /// does; true when something was served.
    fn load(url: &str) -> bool {
        let c = CString::new(url).unwrap_or_default();
        // SAFETY: a fresh parser context for the load; the input, if any, and the context
        // are freed at once, in that order.
        unsafe {
            let ctxt = b::xmlNewParserCtxt();
            assert!(!ctxt.is_null());
            let input = b::xmlLoadExternalEntity(c.as_ptr(), std::ptr::null(), ctxt);
            let served = !input.is_null();
            if served {
                b::xmlFreeInputStream(input);
            }
            b::xmlFreeParserCtxt(ctxt);
            served
        }
    }

    #[test]
    fn outside_our_work_every_load_goes_to_the_loader_that_was_there_before() {
        install_loader();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("host-entity.txt");
        std::fs::write(&file, "host text").expect("written");
        let url = file.to_string_lossy().into_owned();
        // A host's own load on this thread: libxml2's default loader reads the file.
        assert!(load(&url), "the host's file is loaded as without us");
        // A host file named like one of ours is the host's: not found on disk, not ours.
        // (The host's default loader says so on the thread's generic channel: quiet here.)
        silence_thread();
        assert!(!load(&dir.path().join("services85.xsd").to_string_lossy()));
        // SAFETY: the thread's generic channel back to libxml2's default.
        unsafe { b::xmlSetGenericErrorFunc(std::ptr::null_mut(), None) };
        {
            let _own = OwnWork::enter();
            assert!(!load(&url), "our own work never reads a file");
            assert!(load("services85.xsd"));
            {
                // Nested work stays ours until the outermost guard goes.
                let _inner = OwnWork::enter();
            }
            assert!(!load(&url));
        }
        assert!(
            load(&url),
            "after our work the host's loads are the host's again"
        );
        // Another thread is the host's unless it enters our work itself.
        let _own = OwnWork::enter();
        let elsewhere = std::thread::spawn(move || load(&url)).join();
        assert!(matches!(elsewhere, Ok(true)));
    }

    #[test]
    fn our_work_gives_the_thread_its_generic_error_channel_back() {
        install_loader();
        let mut marker = 0u8;
        let host_context = (&mut marker as *mut u8).cast::<c_void>();
        let current = || {
            // SAFETY: this thread's own libxml2 globals, only read.
            unsafe { *b::__xmlGenericErrorContext() }
        };
        type Fixed = unsafe extern "C" fn(*mut c_void, *const c_char);
        type Variadic = unsafe extern "C" fn(*mut c_void, *const c_char, ...);
        // SAFETY: the host's own setting on this thread: a quiet handler (see
        // `silent_generic`) that never reads its context.
        unsafe {
            let quiet = std::mem::transmute::<Fixed, Variadic>(silent_generic);
            b::xmlSetGenericErrorFunc(host_context, Some(quiet));
        }
        {
            let _own = OwnWork::enter();
            assert!(current().is_null(), "silenced during our work");
            let _ = compile("soap11-envelope.xsd");
            assert!(current().is_null());
        }
        assert_eq!(current(), host_context, "the host's channel is back");
        // SAFETY: as above; the default again, so no later test sees the marker.
        unsafe { b::xmlSetGenericErrorFunc(std::ptr::null_mut(), None) };
    }
}
