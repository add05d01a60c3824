"""Error messages in the user's language: Spanish (es-CL) by default, English on request.

Library code raises ``ParticipaError``s with one-line English messages; the CLI shows them as
``localize(str(exc), error_lang(os.environ))``. The translation is a catalogue of English
message shapes, each with its Spanish text:

- a shape is an English template whose ``{placeholders}`` become named regex groups; the
  dynamic parts they capture (instance names, URLs, paths, numbers, quoted values, the
  server's own words) are carried over verbatim, never translated;
- a placeholder whose name ends in ``_tr`` holds English text that is itself translated
  (a pydantic reason after ``Input …``, a TOML parser error, an advice clause);
- messages are composed: ``<instance>: <clause>; <fix>`` or ``<file>: <key>: <clause>``,
  so a message no shape matches whole is cut at ``": "`` (a name in front) and at ``"; "``
  (a fix after the fact), and the pieces are translated one by one.

What nothing matches stays in English: ``localize`` never fails and never drops text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

LANG_ENV = "PARTICIPA_LANG"

#: placeholder kinds: ``{name}`` text within one clause (no ``"; "``), ``{name:a}`` any text
#: (the server's words, a quoted value), ``{name:o}`` any text or none, ``{name:S}`` no spaces
#: (a URL), ``{name:d}`` digits, ``{name:L}`` pydantic's choices (``'es' or 'en'``)
_KINDS = {
    "": r"(?:(?!; ).)+?",
    "a": r".+?",
    "o": r".*?",
    "S": r"\S+",
    "d": r"\d+",
    "L": r"'[^']*'(?:, '[^']*')*(?: or '[^']*')?",
}
#: verbatim values that are really English words: the empty list of ``known: none``, …
_WORDY_VALUES = {
    "none": "ninguno",
    "none; add [[departments]] to the config": "ninguno; agrega [[departments]] a la configuración",
    "empty body": "cuerpo vacío",
    "an answer with neither data nor errors": "una respuesta sin datos ni errores",
}
_WORDY_GROUPS = ("known", "excerpt", "server")

Template = str | Callable[[Mapping[str, str]], str]

# (English shape, Spanish text). Order matters: the first shape that matches wins, so longer,
# more specific shapes come before the short clauses they contain.
_CATALOGUE: list[tuple[str, Template]] = [
    # --- connector.transport: "<url> <what failed>; <fix>" ----------------------------------
    ("{url:S} did not answer within {secs}s", "{url} no respondió en {secs} s"),
    ("raise timeout_seconds or try later", "sube timeout_seconds o inténtalo más tarde"),
    ("try later", "inténtalo más tarde"),
    (
        "{url:S} TLS handshake failed (certificate not trusted or invalid)",
        "falló la negociación TLS con {url} (certificado no confiable o no válido)",
    ),
    (
        "fix the certificate or, for a test instance only, set verify_tls = false",
        "corrige el certificado o, solo para una instancia de prueba, pon verify_tls = false",
    ),
    (
        "{url:S} cannot connect (refused or unknown host)",
        "no se puede conectar con {url} (conexión rechazada o servidor desconocido)",
    ),
    ("check the instance url and network", "revisa la url de la instancia y la red"),
    (
        "{url:S} closed the connection before its answer was complete",
        "{url} cerró la conexión antes de completar su respuesta",
    ),
    ("{url:S} network error ({name})", "error de red con {url} ({name})"),
    (
        "{url:S} kept answering HTTP 429 (too many requests)",
        "{url} siguió respondiendo HTTP 429 (demasiadas solicitudes)",
    ),
    (
        "lower requests_per_minute for this instance or sync later",
        "baja requests_per_minute para esta instancia o sincroniza más tarde",
    ),
    (
        "{url:S} answered HTTP {status:d}{hint:o}; the server failed, try later or ask the "
        "instance's administrators",
        "{url} respondió HTTP {status}{hint}; el servidor falló, inténtalo más tarde o consulta "
        "a quienes administran la instancia",
    ),
    (
        "{url:S} redirected (HTTP {status:d}) to {target:a}: use the final …/api address; if the "
        "instance forces sign-in, configure token_env",
        "{url} redirigió (HTTP {status}) a {target}: usa la dirección final …/api; si la "
        "instancia exige iniciar sesión, configura token_env",
    ),
    ("{url:S} answered HTTP {status:d}: {advice_tr}", "{url} respondió HTTP {status}: {advice_tr}"),
    (
        "the instance wants credentials: set token_env to a variable holding a token",
        "la instancia pide credenciales: pon en token_env el nombre de una variable que "
        "contenga un token",
    ),
    (
        "access denied: check the token (token_env) or whether the API is public",
        "acceso denegado: revisa el token (token_env) o si la API es pública",
    ),
    (
        "is this the instance's GraphQL endpoint (…/api)?",
        "¿es este el endpoint GraphQL de la instancia (…/api)?",
    ),
    (
        "check the instance url (it should end in /api)",
        "revisa la url de la instancia (debe terminar en /api)",
    ),
    (
        "{url:S} answered an HTML page, not GraphQL JSON: check that the url is the instance's "
        "…/api endpoint and that it does not force sign-in (then configure token_env)",
        "{url} respondió una página HTML, no JSON de GraphQL: revisa que la url sea el endpoint "
        "…/api de la instancia y que no exija iniciar sesión (si la exige, configura token_env)",
    ),
    (
        "{url:S} sent an answer cut short ({excerpt:a}); try again later",
        "{url} envió una respuesta incompleta ({excerpt}); vuelve a intentarlo más tarde",
    ),
    (
        "{url:S} sent invalid JSON ({excerpt:a}); try again later",
        "{url} envió JSON no válido ({excerpt}); vuelve a intentarlo más tarde",
    ),
    (
        "{url:S} answered JSON that is not a GraphQL response ({excerpt:a}); is the url the "
        "instance's …/api endpoint?",
        "{url} respondió JSON que no es una respuesta GraphQL ({excerpt}); ¿es la url el "
        "endpoint …/api de la instancia?",
    ),
    # --- connector.client -----------------------------------------------------------------
    (
        "component {id} is now a {new}, not {old}",
        "el componente {id} ahora es {new}, no {old}",
    ),
    (
        "run the sync again to rediscover components",
        "vuelve a sincronizar para redescubrir los componentes",
    ),
    (
        "{url:S} rejected the {operation} query: {server:a}. If the instance was upgraded or runs "
        "plugins, run the sync again (features are re-detected); if it persists, report it "
        "with this message",
        "{url} rechazó la consulta {operation}: {server}. Si la instancia se actualizó o usa "
        "complementos, vuelve a sincronizar (las funciones se detectan de nuevo); si persiste, "
        "repórtalo con este mensaje",
    ),
    (
        "{url:S} sent a {what} that does not fit the expected shape ({reason_tr:a} at {loc:a}); "
        "report it",
        "{url} envió {what} con una forma inesperada ({reason_tr} en {loc}); repórtalo",
    ),
    (
        "component {id}: the server said there is a next page but gave {gave_tr} (after {after:a})",
        "componente {id}: el servidor indicó que hay una página siguiente, pero {gave_tr} "
        "(después de {after})",
    ),
    ("no cursor", "no entregó ningún cursor"),
    ("cursor {cursor} again", "repitió el cursor {cursor}"),
    ("run a full sync of this component", "haz una sincronización completa de este componente"),
    ("report it if it persists", "repórtalo si persiste"),
    # --- sync: store, lock, author key, pipeline, department tags ---------------------------
    (
        "cannot open the store's lock file ({reason})",
        "no se puede abrir el archivo de bloqueo del almacén ({reason})",
    ),
    (
        "check that its folder exists and is writable by this user",
        "revisa que su carpeta exista y que este usuario pueda escribir en ella",
    ),
    ("cannot create the author key ({reason})", "no se puede crear la clave de autores ({reason})"),
    ("cannot read the author key ({reason})", "no se puede leer la clave de autores ({reason})"),
    (
        "the author key should be {n:d} bytes, found {m:d}",
        "la clave de autores debería tener {n} bytes y tiene {m}",
    ),
    (
        "restore it from the backup made with the store",
        "restáurala desde el respaldo hecho junto con el almacén",
    ),
    ("cannot open the store ({reason})", "no se puede abrir el almacén ({reason})"),
    ("cannot read the store ({reason})", "no se puede leer el almacén ({reason})"),
    ("cannot write to the store ({reason})", "no se puede escribir en el almacén ({reason})"),
    ("cannot use the SQLite store ({reason})", "no se puede usar el almacén SQLite ({reason})"),
    ("cannot create the store ({reason})", "no se puede crear el almacén ({reason})"),
    (
        "is it a participa store? run 'participa sync' to create or upgrade it",
        "¿es un almacén de participa? ejecuta 'participa sync' para crearlo o actualizarlo",
    ),
    (
        "the disk (or the database's size limit) is full",
        "el disco (o el límite de tamaño de la base de datos) está lleno",
    ),
    ("free space and run again", "libera espacio y vuelve a ejecutar"),
    (
        "the file is not a participa store or is damaged",
        "el archivo no es un almacén de participa o está dañado",
    ),
    ("restore it from a backup", "restáuralo desde un respaldo"),
    ("the file or its folder is read-only", "el archivo o su carpeta son de solo lectura"),
    ("fix its permissions", "corrige sus permisos"),
    ("the file cannot be opened", "no se puede abrir el archivo"),
    ("check that it exists and is readable", "revisa que exista y que se pueda leer"),
    ("another process is writing to it", "otro proceso está escribiendo en él"),
    ("try again when it finishes", "vuelve a intentarlo cuando termine"),
    ("check the file and its permissions", "revisa el archivo y sus permisos"),
    ("is a directory", "es una carpeta"),
    ("set [store] path to a file", "pon en [store] path la ruta de un archivo"),
    (
        "check that the folder exists and is writable, or set [store] path",
        "revisa que la carpeta exista y que se pueda escribir en ella, o configura [store] path",
    ),
    (
        "sync stopped on request after component {id}'s saved page",
        "sincronización detenida a pedido tras guardar una página del componente {id}",
    ),
    ("the next run resumes there", "la próxima ejecución continúa desde ahí"),
    (
        "an in-memory store has no author key file",
        "un almacén en memoria no tiene archivo de clave de autores",
    ),
    ("pass secret=", "pasa secret="),
    (
        "cannot write the department tags ({reason})",
        "no se pueden escribir las etiquetas de departamento ({reason})",
    ),
    (
        "cannot read the department tags ({reason})",
        "no se pueden leer las etiquetas de departamento ({reason})",
    ),
    # --- sync.scheduler -------------------------------------------------------------------
    (
        "{expr} is not a cron expression: expected 5 fields (minute hour day month weekday, "
        "e.g. '0 */4 * * *') or 6 with seconds first",
        "{expr} no es una expresión cron: se esperan 5 campos (minuto hora día mes "
        "día-de-la-semana, p. ej. '0 */4 * * *') o 6 con los segundos primero",
    ),
    (
        "{expr} is not a valid cron expression: {reason:a}",
        "{expr} no es una expresión cron válida: {reason}",
    ),
    ("unknown job {name}", "tarea desconocida {name}"),
    # --- sync.config: the file ------------------------------------------------------------
    ("file not found", "archivo no encontrado"),
    (
        "create one with 'participa init' or pass --config PATH",
        "crea uno con 'participa init' o indica --config RUTA",
    ),
    ("cannot read the file: {reason:a}", "no se puede leer el archivo: {reason}"),
    ("not valid TOML: {reason_tr:a}", "no es TOML válido: {reason_tr}"),
    ("unknown key", "clave desconocida"),
    (
        "check its spelling against config.example.toml",
        "revisa cómo se escribe en config.example.toml",
    ),
    ("required key is missing", "falta esta clave obligatoria"),
    ("add at least one [[instances]] table", "agrega al menos una tabla [[instances]]"),
    ("duplicate {key:S} {value}", "{key} repetido: {value}"),
    (
        "no instance named {name} (configured: {known})",
        "no hay ninguna instancia llamada {name} (en la configuración: {known})",
    ),
    (
        "no department {slug} (configured: {known})",
        "no hay ningún departamento {slug} (en la configuración: {known})",
    ),
    # --- sync.config: values --------------------------------------------------------------
    (
        "expected a short name of lowercase letters, digits, '-' or '_'",
        "se espera un nombre corto de minúsculas, dígitos, '-' o '_'",
    ),
    (
        "expected the instance's http(s) GraphQL endpoint, e.g. "
        "'https://participa.example.cl/api', got {got:a}",
        "se espera el endpoint GraphQL http(s) de la instancia, p. ej. "
        "'https://participa.example.cl/api', y se encontró {got}",
    ),
    ("unknown time zone {zone}", "zona horaria desconocida {zone}"),
    (
        "use an IANA name such as 'America/Santiago'",
        "usa un nombre IANA como 'America/Santiago'",
    ),
    ("must not be empty", "no puede estar vacío"),
    (
        "write the department's name as people know it",
        "escribe el nombre del departamento como lo conoce la gente",
    ),
    (
        "expected lowercase letters, digits, '-' or '_' (e.g. 'diversidades')",
        "se esperan minúsculas, dígitos, '-' o '_' (p. ej. 'diversidades')",
    ),
    (
        "keyword {keyword} has no letters or digits",
        "la palabra clave {keyword} no tiene letras ni dígitos",
    ),
    ("entry {n:d} ({name}) is empty", "la entrada {n} ({name}) está vacía"),
    ("remove it or write the name", "bórrala o escribe el nombre"),
    ("unknown department {slug}", "departamento desconocido {slug}"),
    (
        "{slug} must be a department, not this rule or another section",
        "{slug} debe ser un departamento, no esta misma regla ni otra sección",
    ),
    ("needs at least one address", "necesita al menos una dirección"),
    ("{address} is not an e-mail address", "{address} no es una dirección de correo"),
    # --- sync.config_secrets (errors and warnings) ----------------------------------------
    (
        "secrets do not belong in the config file (whoever reads it or a backup gets them): "
        "delete this line, export the value in an environment variable (e.g. in "
        "/etc/participa/env, mode 0600) and write that variable's name in {key}",
        "los secretos no van en el archivo de configuración (quien lo lea, o lea un respaldo, "
        "los obtiene): borra esta línea, exporta el valor en una variable de entorno (p. ej. en "
        "/etc/participa/env, modo 0600) y escribe el nombre de esa variable en {key}",
    ),
    (
        "this is not an environment variable name (letters, digits and '_')",
        "esto no es un nombre de variable de entorno (letras, dígitos y '_')",
    ),
    (
        "if you wrote the secret itself here, remove it, change that secret, export it in a "
        "variable such as {name} and write the variable's name here",
        "si escribiste aquí el secreto mismo, bórralo, cambia ese secreto, expórtalo en una "
        "variable como {name} y escribe aquí el nombre de la variable",
    ),
    ("the value is not in capitals", "el valor no está en mayúsculas"),
    (
        "it should be the *name* of a variable such as {name}, not the secret itself",
        "debe ser el *nombre* de una variable como {name}, no el secreto mismo",
    ),
    (
        "TLS certificates are NOT verified, so anyone on the network path can read and change "
        "this traffic",
        "los certificados TLS NO se verifican, así que cualquiera en el camino de red puede "
        "leer y cambiar este tráfico",
    ),
    (
        "use it only for a test server and remove the line otherwise",
        "úsalo solo con un servidor de prueba y, si no, borra la línea",
    ),
    # --- the CLI --------------------------------------------------------------------------
    (
        "expected an ISO 8601 date and time such as 2026-11-24T12:00, got {got:a}",
        "se espera una fecha y hora ISO 8601 como 2026-11-24T12:00, y se encontró {got}",
    ),
    (
        "cannot write {value} into the demo config",
        "no se puede escribir {value} en la configuración de demostración",
    ),
    (
        "cannot create the demo folder ({reason})",
        "no se puede crear la carpeta de demostración ({reason})",
    ),
    (
        "no [email] section with [[email.digests]]",
        "no hay una sección [email] con [[email.digests]]",
    ),
    ("copy them from config.example.toml", "cópialas de config.example.toml"),
    (
        "the environment variable {name} is not set",
        "la variable de entorno {name} no está definida",
    ),
    (
        "export the SMTP password for {user} in it",
        "exporta en ella la contraseña SMTP de {user}",
    ),
    (
        "no such digest (configured: {known})",
        "no existe ese resumen (en la configuración: {known})",
    ),
    (
        "no such department (configured: {known:a})",
        "no existe ese departamento (en la configuración: {known})",
    ),
    ("several instances are configured ({names})", "hay varias instancias configuradas ({names})"),
    ("several instances are configured", "hay varias instancias configuradas"),
    ('set instance = "NAME" for this digest', 'pon instance = "NOMBRE" en este resumen'),
    ("choose one with --instance", "elige una con --instance"),
    ("already exists", "ya existe"),
    ("edit it, or pass --force to overwrite it", "edítalo, o usa --force para sobrescribirlo"),
    ("cannot write the file ({reason})", "no se puede escribir el archivo ({reason})"),
    ("cannot write ({reason})", "no se puede escribir ({reason})"),
    ("no store to back up", "no hay almacén que respaldar"),
    ("check [store] path", "revisa [store] path"),
    ("choose another --to or remove it", "elige otro --to o bórralo"),
    ("backup to {target} failed ({reason})", "falló el respaldo en {target} ({reason})"),
    ("unknown release {name}", "versión desconocida {name}"),
    ("unknown scale {name}", "escala desconocida {name}"),
    ("choose one of {choices}", "elige entre {choices}"),
    ("expected one of {choices}", "se espera uno de: {choices}"),
    ("known: {known}", "existentes: {known}"),
    ("no store yet", "no hay almacén todavía"),
    (
        "run 'participa sync' first (or set [store] path)",
        "ejecuta 'participa sync' primero (o configura [store] path)",
    ),
    ("run 'participa sync' first", "ejecuta 'participa sync' primero"),
    ("run 'participa sync' to update it", "ejecuta 'participa sync' para actualizarlo"),
    # --- reports --------------------------------------------------------------------------
    ("unreadable timestamp {value} in the store", "fecha ilegible {value} en el almacén"),
    ("template {name}: {reason:a}", "plantilla {name}: {reason}"),
    (
        "message catalog {lang}: no entry for {key}",
        "catálogo de mensajes {lang}: no hay entrada para {key}",
    ),
    ("expected an ISO week such as 2026-W47", "se espera una semana ISO como 2026-W47"),
    ("that year has no such week", "ese año no tiene esa semana"),
    ("--to {end} is before --from {start}", "--to {end} es anterior a --from {start}"),
    ("swap them", "intercámbialas"),
    ("the period is longer than a year", "el período dura más de un año"),
    ("choose a shorter --from/--to range", "elige un rango --from/--to más corto"),
    ("expected a date YYYY-MM-DD", "se espera una fecha AAAA-MM-DD"),
    ("the new row has no id", "la fila nueva no tiene id"),
    ("the store may be damaged", "el almacén puede estar dañado"),
    ("{address} is not one e-mail address", "{address} no es una sola dirección de correo"),
    (
        "use 'Name <user@example.cl>' or 'user@example.cl'",
        "usa 'Nombre <usuario@example.cl>' o 'usuario@example.cl'",
    ),
    (
        "{address} is not a valid address ({reason})",
        "{address} no es una dirección válida ({reason})",
    ),
    ("use either --week or --from/--to, not both", "usa --week o --from/--to, no ambos"),
    (
        "--from and --to go together: give both dates (inclusive)",
        "--from y --to van juntos: indica ambas fechas (inclusive)",
    ),
    ("the store has no view {views}", "el almacén no tiene la vista {views}"),
    (
        "it was not created by participa or is from an older version: run 'participa sync' to "
        "update it",
        "no lo creó participa o es de una versión anterior: ejecuta 'participa sync' para "
        "actualizarlo",
    ),
    # --- pydantic's reasons (sync.config._describe) ---------------------------------------
    (
        "Input should be a valid number, unable to parse string as a number",
        "se espera un número; el texto no se puede leer como número",
    ),
    (
        "Input should be a valid integer, unable to parse string as an integer",
        "se espera un número entero; el texto no se puede leer como entero",
    ),
    (
        "Input should be a valid integer, got a number with a fractional part",
        "se espera un número entero, sin decimales",
    ),
    ("Input should be a valid integer", "se espera un número entero"),
    ("Input should be a valid number", "se espera un número"),
    ("Input should be a finite number", "se espera un número finito"),
    ("Input should be greater than or equal to {n}", "debe ser mayor o igual a {n}"),
    ("Input should be greater than {n}", "debe ser mayor que {n}"),
    ("Input should be less than or equal to {n}", "debe ser menor o igual a {n}"),
    ("Input should be less than {n}", "debe ser menor que {n}"),
    (
        "Input should be a valid boolean, unable to interpret input",
        "se espera true o false; el valor no se puede interpretar",
    ),
    ("Input should be a valid boolean", "se espera true o false"),
    ("Input should be a valid string", "se espera un texto entre comillas"),
    ("Input should be a valid list", "se espera una lista entre corchetes [ ]"),
    (
        "Input should be a valid dictionary or instance of {model}",
        "se espera una tabla de TOML ({model})",
    ),
    ("Input should be a valid dictionary", "se espera una tabla de TOML"),
    ("Input is not a valid path for {kind}", "se espera una ruta de archivo válida"),
    (
        "Input should be {choices:L}",
        lambda g: f"debe ser {_or(g['choices'])}",
    ),
    ("Field required", "falta este valor"),
    ("Extra inputs are not permitted", "clave no permitida"),
    ("invalid value", "valor no válido"),
    # --- tomllib's reasons (not valid TOML: …) --------------------------------------------
    (
        "{what_tr} (at line {line:d}, column {column:d})",
        "{what_tr} (línea {line}, columna {column})",
    ),
    ("{what_tr} (at end of document)", "{what_tr} (al final del documento)"),
    ("Cannot declare {key} twice", "no se puede declarar {key} dos veces"),
    (
        "Cannot mutate immutable namespace {key}",
        "no se puede modificar el espacio de nombres inmutable {key}",
    ),
    ("Cannot overwrite a value", "no se puede sobrescribir un valor"),
    ("Cannot redefine namespace {key}", "no se puede redefinir el espacio de nombres {key}"),
    ("Duplicate inline table key {key}", "clave repetida en la tabla en línea: {key}"),
    (
        "Escaped character is not a Unicode scalar value",
        "el carácter escapado no es un valor escalar Unicode",
    ),
    (
        "Expected '=' after a key in a key/value pair",
        "se esperaba '=' después de la clave en un par clave/valor",
    ),
    (
        "Expected ']' at the end of a table declaration",
        "se esperaba ']' al final de la declaración de una tabla",
    ),
    (
        "Expected ']]' at the end of an array declaration",
        "se esperaba ']]' al final de la declaración de un arreglo de tablas",
    ),
    ("Expected {what}", "se esperaba {what}"),
    ("Found invalid character {char}", "carácter no válido {char}"),
    ("Illegal character {char}", "carácter no permitido {char}"),
    ("Invalid date or datetime", "fecha u hora no válida"),
    ("Invalid hex value", "valor hexadecimal no válido"),
    ("Invalid initial character for a key part", "carácter inicial no válido en una clave"),
    ("Invalid statement", "instrucción no válida"),
    ("Invalid value", "valor no válido"),
    ("Unclosed array", "lista sin cerrar"),
    ("Unclosed inline table", "tabla en línea sin cerrar"),
    ("Unescaped '\\' in a string", "'\\' sin escapar en un texto"),
    ("Unterminated string", "texto sin cerrar"),
    # --- command-line usage (click, as typer shows it) ----------------------------------------
    (
        "No such option: {name:S} (Possible options: {options:a})",
        "no existe la opción {name} (opciones posibles: {options})",
    ),
    ("No such option: {name:S} Did you mean {other:S}?", "no existe la opción {name}; ¿quisiste "
     "decir {other}?"),
    ("No such option: {name:S}", "no existe la opción {name}"),
    (
        "No such command '{name}'. Did you mean '{other}'?",
        "no existe el comando '{name}'; ¿quisiste decir '{other}'?",
    ),
    ("No such command '{name}'.", "no existe el comando '{name}'"),
    ("Option '{name}' requires an argument.", "la opción '{name}' necesita un valor"),
    ("Option '{name}' requires {n:d} arguments.", "la opción '{name}' necesita {n} valores"),
    ("Missing option '{name}'.", "falta la opción '{name}'"),
    ("Missing argument '{name}'.", "falta el argumento '{name}'"),
    ("Got unexpected extra argument(s) ({args:a})", "sobran argumentos ({args})"),
    ("Got unexpected extra argument ({args:a})", "sobra un argumento ({args})"),
    ("Got unexpected extra arguments ({args:a})", "sobran argumentos ({args})"),
    ("Invalid value for {name:S}: {why_tr:a}", "valor no válido para {name}: {why_tr}"),
    ("expected 'text' or 'json'", "se espera 'text' o 'json'"),
    ("{value:a} is not a valid integer.", "{value} no es un número entero válido"),
    ("{value:a} is not a valid float.", "{value} no es un número válido"),
    ("{value:a} is not one of {choices:a}.", "{value} no es una de estas opciones: {choices}"),
    ("{kind} {path:a} does not exist.", "{path} no existe"),
]


def _or(choices: str) -> str:
    """``'es' or 'en'`` → ``'es' o 'en'`` (only the last joiner is English)."""
    head, sep, tail = choices.rpartition(" or ")
    return f"{head} o {tail}" if sep else choices


def _compile(shape: str) -> re.Pattern[str]:
    out = []
    pos = 0
    for m in re.finditer(r"\{(\w+)(?::(\w))?\}", shape):
        out.append(re.escape(shape[pos : m.start()]))
        out.append(f"(?P<{m[1]}>{_KINDS[m[2] or '']})")
        pos = m.end()
    out.append(re.escape(shape[pos:]))
    return re.compile("".join(out), re.DOTALL)


_COMPILED: list[tuple[re.Pattern[str], Template]] = [
    (_compile(shape), spanish) for shape, spanish in _CATALOGUE
]


def catalogue_size() -> int:
    """How many English shapes the catalogue knows."""
    return len(_COMPILED)


def error_lang(environ: Mapping[str, str]) -> str:
    """``"en"`` when ``PARTICIPA_LANG`` starts with ``en``; Spanish (``"es"``) otherwise."""
    return "en" if environ.get(LANG_ENV, "").strip().lower().startswith("en") else "es"


def localize(message: str, lang: str) -> str:
    """``message`` (an English error message) in ``lang``: Spanish for ``es``, else as is.

    Parts no catalogue entry knows stay in English; this function never raises.
    """
    if not lang.lower().startswith("es") or not message:
        return message
    try:
        return _translate(message)[0]
    except Exception:  # a translation must never hide the error it translates
        return message


@lru_cache(maxsize=2048)
def _translate(text: str) -> tuple[str, bool]:
    """(the Spanish text, whether every part of it was translated)."""
    partial: str | None = None
    for pattern, spanish in _COMPILED:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        done, complete = _fill(match, spanish)
        if complete:
            return done, True
        partial = partial or done
    if partial is not None:
        return partial, False
    # "<name>: <rest>": a name in front (instance, file, key, option); the name stays
    fallback: str | None = None
    for head, rest in _splits(text, ": "):
        if "; " in head:
            continue
        done, complete = _translate(rest)
        if complete:
            return f"{head}: {done}", True
        if fallback is None and done != rest:
            fallback = f"{head}: {done}"
    # "<what failed>; <fix>; …": clause by clause
    if "; " in text:
        parts = [_translate(part) for part in text.split("; ")]
        joined = "; ".join(done for done, _ in parts)
        if all(complete for _, complete in parts):
            return joined, True
        if joined != text:
            return joined, False
    return (fallback, False) if fallback is not None else (text, False)


def _splits(text: str, sep: str) -> list[tuple[str, str]]:
    """Every (before, after) cut of ``text`` at ``sep``, leftmost first."""
    out = []
    start = text.find(sep)
    while start > 0:
        out.append((text[:start], text[start + len(sep) :]))
        start = text.find(sep, start + 1)
    return out


def _fill(match: re.Match[str], spanish: Template) -> tuple[str, bool]:
    values: dict[str, str] = {}
    complete = True
    for name, value in match.groupdict().items():
        if name.endswith("_tr"):
            value, ok = _translate(value)
            complete = complete and ok
        elif name in _WORDY_GROUPS:
            value = _WORDY_VALUES.get(value, value)
        values[name] = value
    text = spanish(values) if callable(spanish) else spanish.format(**values)
    return text, complete
