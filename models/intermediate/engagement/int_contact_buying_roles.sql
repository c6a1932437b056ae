{#- One row per CRM contact and buying role it holds (seed buying_role_rules on
    the contact's title and department, whole words: word_text). A contact can
    hold several roles (a CFO is executive and finance); contacts matching no
    rule are absent. is_primary_role marks one role per contact, the one the
    engagement timeline files its activities under: a role matched on the title
    before one matched only on the department, then the first role by name
    (executive before finance, it, marketing, sales). -#}
with

contacts as (
    select * from {{ ref('int_contacts_matched_to_accounts') }}
),

role_rules as (
    select * from {{ ref('buying_role_rules') }}
),

contact_words as (
    select
        contacts.contact_id,
        contacts.account_id,
        contacts.created_at,
        {{ word_text('contacts.title') }} as title_words,
        {{ word_text('contacts.department') }} as department_words
    from contacts
    where contacts.contact_id is not null
),

rule_matches as (
    select
        contact_words.contact_id,
        contact_words.account_id,
        contact_words.created_at,
        role_rules.buying_role,
        role_rules.match_field
    from contact_words
    inner join role_rules
        on (
            role_rules.match_field = 'title'
            and contact_words.title_words like {{ dbt.concat(["'% '", "role_rules.pattern", "' %'"]) }}
        )
        or (
            role_rules.match_field = 'department'
            and contact_words.department_words like {{ dbt.concat(["'% '", "role_rules.pattern", "' %'"]) }}
        )
),

contact_roles as (
    select
        rule_matches.contact_id,
        rule_matches.account_id,
        rule_matches.created_at,
        rule_matches.buying_role,
        max(case when rule_matches.match_field = 'title' then 1 else 0 end) = 1 as is_title_match
    from rule_matches
    group by
        rule_matches.contact_id, rule_matches.account_id, rule_matches.created_at,
        rule_matches.buying_role
),

ranked as (
    select
        contact_roles.contact_id,
        contact_roles.account_id,
        contact_roles.created_at,
        contact_roles.buying_role,
        contact_roles.is_title_match,
        row_number() over (
            partition by contact_roles.contact_id
            order by
                case when contact_roles.is_title_match then 0 else 1 end,
                contact_roles.buying_role
        ) as role_rank
    from contact_roles
),

final as (
    select
        -- ids
        ranked.contact_id,
        ranked.account_id,
        -- strings
        ranked.buying_role,
        -- booleans
        ranked.is_title_match,
        ranked.role_rank = 1 as is_primary_role,
        -- timestamps
        ranked.created_at
    from ranked
)

select * from final
