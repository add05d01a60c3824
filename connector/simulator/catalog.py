"""Spanish (es-CL) vocabulary for the simulated Valparaíso instance.

Themes follow the municipality's gender directorate (its departments and sections, as it
describes them itself) plus unrelated city topics. English strings are the "machine
translations" some records carry. Names are invented; hostile strings are deliberate.
"""

from __future__ import annotations

from dataclasses import dataclass

DIVERSIDADES = "Diversidades y Disidencias"
INNOVACION = "Género e Innovación"
PARTICIPACION = "Género y Participación"
MUJERES = "Género y Mujeres"
DEPARTMENTS = (DIVERSIDADES, INNOVACION, PARTICIPACION, MUJERES)
SECTIONS = (
    "Formación", "Transversalización", "Autonomía Económica", "Derecho a la Ciudad",
    "Casa Taller", "Ciudadanía Digital", "Convenios colaborativos",
)
TOPICS = ("Transporte", "Cultura", "Medio ambiente")
SECTORS = (
    "Plan de Valparaíso", "Cerro Alegre", "Cerro Concepción", "Cerro Cordillera", "Playa Ancha",
    "Placeres", "Rodelillo", "Laguna Verde", "Cerro Barón", "Cerro Esperanza",
)
AREAS = DEPARTMENTS + ("Participación Ciudadana",)


@dataclass(frozen=True)
class Theme:
    kind: str  # participatory_process | assembly
    slug: str
    hashtag: str
    title: tuple[str, str]  # (es, en)
    subtitle: str
    description: str
    department: str | None
    section: str | None
    topic: str | None
    categories: tuple[str, ...]
    ideas: tuple[tuple[str, str], ...]  # proposal title templates (es, en) with {lugar}


THEMES: tuple[Theme, ...] = (
    Theme("participatory_process", "formacion-diversidades", "DiversidadesValpo",
          ("Formación en Diversidades y Disidencias", "Training on sexual and gender diversity"),
          "Nuestras Calles Sin Odio, Sin Violencia, Sin Discriminación",
          "Acciones de formación institucional y comunitaria para la garantía de derechos de las "
          "diversidades y disidencias sexo-genéricas.", DIVERSIDADES, "Formación", None,
          ("Formación comunitaria", "No discriminación"),
          (("Talleres de formación sobre no discriminación en {lugar}",
            "Non-discrimination workshops in {lugar}"),
           ("Capacitar a funcionarios municipales en trato digno", "Train municipal staff"),
           ("Campaña Calles Sin Odio en {lugar}", "Streets Without Hate campaign in {lugar}"))),
    Theme("participatory_process", "red-transversalizacion", "TransversalizaValpo",
          ("Transversalización: red intersectorial LGBTIQANB+", "Mainstreaming network"),
          "Trabajo en red para la promoción de derechos",
          "Redes de apoyo y colaboración a nivel comunal, regional, nacional e internacional con "
          "organizaciones LGBTIQANB+ de la comuna.", DIVERSIDADES, "Transversalización", None,
          ("Trabajo en red", "Organizaciones LGBTIQANB+"),
          (("Mesa intersectorial de salud trans en {lugar}", "Trans health round table"),
           ("Protocolo de nombre social en servicios municipales", "Social name protocol"))),
    Theme("participatory_process", "autonomia-economica-mujeres", "EconomiaPopularValpo",
          ("Autonomía Económica de Mujeres y Diversidades", "Economic autonomy"),
          "Economía popular y asociatividad",
          "Fomenta las expresiones de economía popular de las mujeres, diversidades y disidencias "
          "sexo-genéricas y el encadenamiento productivo.", INNOVACION, "Autonomía Económica",
          None, ("Emprendimiento", "Capacitación"),
          (("Feria de emprendedoras en {lugar}", "Women entrepreneurs' fair in {lugar}"),
           ("Fondo semilla para cooperativas de mujeres", "Seed fund for co-ops"),
           ("Cursos de oficios con perspectiva interseccional", "Trade courses"))),
    Theme("participatory_process", "derecho-a-la-ciudad", "CiudadFeministaValpo",
          ("Derecho a la Ciudad: calles seguras", "Right to the city: safe streets"),
          "Habitabilidad, seguridad y movilidad en el espacio público",
          "Promover el derecho colectivo a la producción del hábitat de las mujeres, diversidades "
          "y disidencias.", PARTICIPACION, "Derecho a la Ciudad", None,
          ("Espacio público", "Seguridad"),
          (("Mejorar la iluminación de la escalera de {lugar}", "Better stair lighting in {lugar}"),
           ("Paraderos seguros en {lugar}", "Safe bus stops in {lugar}"),
           ("Baños públicos inclusivos en {lugar}", "Inclusive public toilets in {lugar}"))),
    Theme("participatory_process", "ciudadania-digital", "CiudadaniaDigitalValpo",
          ("Ciudadanía Digital: participación con software libre", "Digital citizenship"),
          "Decidim y participación híbrida",
          "Fomentar la participación de mujeres y diversidades en procesos participativos con "
          "herramientas de software libre como Decidim.", PARTICIPACION, "Ciudadanía Digital",
          None, ("Alfabetización digital", "Participación híbrida"),
          (("Puntos de conexión gratuitos en {lugar}", "Free wifi points in {lugar}"),
           ("Talleres de Decidim para vecinas de {lugar}", "Decidim workshops in {lugar}"))),
    Theme("participatory_process", "casa-taller-mujeres", "CasaTallerValpo",
          ("Casa Taller de las Mujeres de Valparaíso", "Women's workshop house"),
          "Intercambio de saberes y conocimientos",
          "Un espacio abierto a la comunidad de mujeres: expresiones artísticas, formativas y "
          "culturales.", MUJERES, "Casa Taller", None, ("Talleres", "Cultura"),
          (("Taller de serigrafía en la Casa Taller", "Screen printing workshop"),
           ("Ampliar horarios de la Casa Taller", "Longer opening hours"))),
    Theme("participatory_process", "convenios-colaborativos-mujer", "ConveniosMujerValpo",
          ("Convenios colaborativos: Centro de la Mujer", "Collaborative agreements"),
          "Jefas de Hogar y Derechos Sexuales y Reproductivos",
          "Programas Centro de la Mujer, Casa de Acogida, Jefas de Hogar y Derechos Sexuales y "
          "Reproductivos.", MUJERES, "Convenios colaborativos", None,
          ("Violencia de género", "Jefas de hogar"),
          (("Más cupos en el programa Jefas de Hogar", "More places for women heads of household"),
           ("Difusión del Centro de la Mujer en {lugar}", "Promote the Women's Centre"))),
    Theme("participatory_process", "movilidad-transporte", "MovilidadValpo",
          ("Plan de Movilidad y Transporte Público", "Mobility and public transport plan"),
          "Ascensores, trolebuses y micros", "Movilidad urbana para toda la comuna.",
          None, None, "Transporte", ("Ascensores", "Micros"),
          (("Más frecuencia del trolebús en {lugar}", "More trolleybus frequency in {lugar}"),
           ("Recuperar el ascensor de {lugar}", "Restore the funicular in {lugar}"))),
    Theme("participatory_process", "cultura-cerros", "CulturaValpo",
          ("Cultura en los Cerros", "Culture in the hills"), "Patrimonio y barrios",
          "Agenda cultural barrial.", None, None, "Cultura", ("Patrimonio", "Murales"),
          (("Festival de murales en {lugar}", "Mural festival in {lugar}"),)),
    Theme("participatory_process", "quebradas-limpias", "QuebradasValpo",
          ("Medio Ambiente: Quebradas Limpias", "Clean ravines"), "Prevención de incendios",
          "Limpieza de quebradas y reciclaje.", None, None, "Medio ambiente",
          ("Reciclaje", "Incendios"),
          (("Puntos limpios en {lugar}", "Recycling points in {lugar}"),)),
    Theme("assembly", "mesa-diversidades-disidencias", "DiversidadesValpo",
          ("Mesa de Diversidades y Disidencias", "Diversity round table"),
          "Organizaciones LGBTIQANB+ y municipio",
          "Instancia de trabajo colaborativo con organizaciones LGBTIQANB+ de la comuna.",
          DIVERSIDADES, "Transversalización", None, ("Mesa", "Derechos"),
          (("Casa de acogida para jóvenes LGBTIQANB+", "Shelter for LGBTIQ youth"),
           ("Marcha del orgullo con apoyo municipal", "Pride march support"))),
    Theme("assembly", "consejo-comunal-mujeres", "MujeresValpo",
          ("Consejo Comunal de Mujeres", "Women's council"), "Vida libre de violencia",
          "Trabajar junto a las mujeres y organizaciones feministas del territorio.",
          MUJERES, None, None, ("Violencia de género", "Organizaciones feministas"),
          (("Puntos violeta en {lugar}", "Purple points in {lugar}"),)),
    Theme("assembly", "asamblea-genero-innovacion", "InnovaGeneroValpo",
          ("Asamblea de Género e Innovación", "Gender and innovation assembly"),
          "Innovación social con perspectiva de género", "Asamblea del departamento.",
          INNOVACION, None, None, ("Innovación", "Economía"),
          (("Laboratorio de innovación social en {lugar}", "Social innovation lab"),)),
    Theme("assembly", "cosoc-valparaiso", "CosocValpo",
          ("Consejo de la Sociedad Civil", "Civil society council"), "COSOC comunal",
          "Consejo consultivo comunal.", None, None, "Cultura", ("Presupuesto", "Barrios"),
          (("Presupuesto participativo para {lugar}", "Participatory budget for {lugar}"),)),
)

TINY_THEMES = ("formacion-diversidades", "derecho-a-la-ciudad", "movilidad-transporte",
               "mesa-diversidades-disidencias")

FIRST_NAMES = (
    "María José", "Camila", "Valentina", "Javiera", "Catalina", "Fernanda", "Constanza", "Josefa",
    "Antonia", "Isidora", "Tomás", "Benjamín", "Matías", "Vicente", "Joaquín", "Millaray",
    "Ayelén", "Yerko", "Dominga", "Rocío", "Paz", "Alex", "Sam", "Luz", "Cristóbal",
)
SURNAMES = (
    "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Sepúlveda",
    "Morales", "Araya", "Fuentes", "Espinoza", "Valenzuela", "Tapia", "Huenchumil", "Nahuelpán",
    "Quispe", "O'Higgins", "Mancilla",
)
GROUP_NAMES = (
    "Colectiva Feminista Porteña", "Agrupación Diversa Valparaíso", "Junta de Vecinos Cerro Alegre",
    "Red de Mujeres Emprendedoras", "Puerto Orgullo LGBTIQANB+", "Centro Cultural Playa Ancha",
    "Ciclistas Furiosos Valpo", "Asamblea Territorial Placeres",
)

HOSTILE = (
    '<script>alert("xss")</script>',
    "\"Comillas\" y 'apóstrofes' & ampersands",
    "Robert'); DROP TABLE proposals;--",
    '<img src=x onerror="alert(1)">',
)

DEBATE_TITLES = (
    ("¿Cómo hacemos más seguro {lugar} para mujeres y disidencias?", "How to make {lugar} safer?"),
    ("¿Qué esperamos de la {espacio}?", "What do we expect?"),
    ("Prioridades para {lugar} este año", "Priorities for {lugar} this year"),
)
MEETING_TITLES = (
    ("Taller abierto en {lugar}", "Open workshop in {lugar}"),
    ("Asamblea territorial: {espacio}", "Territorial assembly"),
    ("Conversatorio en línea sobre {espacio}", "Online talk"),
)
COMMENT_BODIES = (
    "Muy de acuerdo, en {lugar} hace falta.",
    "¿Se consideró el costo? Me preocupa la mantención.",
    "Apoyo la propuesta #{hashtag}",
    "En nuestra junta de vecinos lo conversamos y estamos a favor.",
    "No estoy de acuerdo: hay otras prioridades en {lugar}.",
    "Gracias por considerar a las diversidades en este proceso.",
    "Propongo sumar a las organizaciones del territorio.",
    "Ver más en https://www.municipalidaddevalparaiso.cl",
)
ANSWERS = {
    "accepted": "La propuesta fue aceptada y se incorporará al plan de trabajo.",
    "rejected": "La propuesta no es viable técnicamente este año.",
    "evaluating": "La propuesta está siendo evaluada por el equipo técnico.",
    "not_answered": "Sin respuesta todavía.",
}
COMPONENT_NAMES = {
    "Proposals": ("Propuestas", "Proposals"),
    "Debates": ("Debates", "Debates"),
    "Meetings": ("Encuentros", "Meetings"),
    "Pages": ("Información del proceso", "About"),
    "Blogs": ("Noticias", "News"),
    "Budgets": ("Presupuestos", "Budgets"),
    "Surveys": ("Encuesta", "Survey"),
    "Component": ("Mapa colaborativo", "Collaborative map"),
}
STREETS = ("Av. Brasil", "Av. Pedro Montt", "Calle Templeman", "Subida Ecuador", "Av. Alemania",
           "Calle Condell", "Av. Argentina", "Pasaje Gálvez")
